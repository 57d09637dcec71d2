// Synthetic container summaries for tests that need thousands without an engine.
import type { ContainerState, ContainerSummary } from '../../../src/engine/model/container';

const HOST = 'unix:///synthetic.sock';

/** A container with sensible defaults; override what the test is about. */
export function summary(
  index: number,
  overrides: Partial<ContainerSummary> = {},
): ContainerSummary {
  const project = `proj-${index % 50}`;
  return {
    id: index.toString(16).padStart(64, '0'),
    name: `c-${String(index).padStart(5, '0')}`,
    image: 'busybox:1',
    state: 'exited' as ContainerState,
    status: 'Exited (0) 1 hour ago',
    labels: { 'com.docker.compose.project': project },
    createdMs: 1_700_000_000_000 + index,
    host: HOST,
    ...overrides,
  };
}

/** `count` containers over 50 compose projects, all exited. */
export function fleet(count: number): ContainerSummary[] {
  return Array.from({ length: count }, (_, i) => summary(i));
}
