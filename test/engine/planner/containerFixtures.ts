import {
  COMPOSE_DEPENDS_ON_LABEL,
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
  type ContainerState,
  type ContainerSummary,
} from '../../../src/engine/model/container';

/** A fixed instant the fixtures are created around, so ages in tests are exact. */
export const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

/** A 64-character hex id derived from a number, unique per number. */
export function hexId(n: number): string {
  return n.toString(16).padStart(12, '0').repeat(6).slice(0, 64);
}

/** One container with sensible defaults; override what a test is about. */
export function container(
  overrides: Partial<ContainerSummary> & { readonly name: string },
): ContainerSummary {
  return {
    id: hexId(hashName(overrides.name + (overrides.host ?? 'local'))),
    image: 'nginx:1.27',
    state: 'running',
    status: 'Up 1 hour',
    labels: {},
    createdMs: NOW_MS - 3_600_000,
    host: 'local',
    ...overrides,
  };
}

/** A compose service container: project, service and optional `depends_on` labels. */
export function composeContainer(
  project: string,
  service: string,
  dependsOn: readonly string[] = [],
  overrides: Partial<ContainerSummary> = {},
): ContainerSummary {
  const labels: Record<string, string> = {
    [COMPOSE_PROJECT_LABEL]: project,
    [COMPOSE_SERVICE_LABEL]: service,
  };
  if (dependsOn.length > 0) {
    labels[COMPOSE_DEPENDS_ON_LABEL] = dependsOn
      .map((d) => `${d}:service_started:false`)
      .join(',');
  }
  return container({ name: `${project}-${service}-1`, labels, ...overrides });
}

const STATES: readonly ContainerState[] = ['running', 'exited', 'paused', 'created', 'running'];

/**
 * `count` containers over `hosts` hosts in compose projects of five services each
 * (web -> api -> db, cache; worker -> db), with mixed states and ages.
 */
export function fleet(count: number, hosts = 2): ContainerSummary[] {
  const services: readonly (readonly [string, readonly string[]])[] = [
    ['web', ['api']],
    ['api', ['db', 'cache']],
    ['db', []],
    ['cache', []],
    ['worker', ['db']],
  ];
  const out: ContainerSummary[] = [];
  for (let i = 0; i < count; i++) {
    const [service, dependsOn] = services[i % services.length]!;
    const project = `p${Math.floor(i / services.length)}`;
    out.push(
      composeContainer(project, service, dependsOn, {
        id: hexId(i + 1),
        name: `${project}-${service}-1`,
        state: STATES[(i + Math.floor(i / services.length)) % STATES.length]!,
        host: `host${Math.floor(i / services.length) % hosts}`,
        createdMs: NOW_MS - (i % 100) * 60_000,
      }),
    );
  }
  return out;
}

function hashName(text: string): number {
  let hash = 7;
  for (let i = 0; i < text.length; i++) {
    hash = (hash * 31 + text.charCodeAt(i)) % 0x7fffffff;
  }
  return hash;
}
