import type Dockerode from 'dockerode';

import { DEFAULT_DEADLINES } from '../src/engine/docker/engineDeadlines';
import type { OperationKind } from '../src/engine/model/operation';

/** The deadline of one call of `kind`: the engine's own, plus the grace a stop waits out. */
export function callDeadlineMs(kind: OperationKind, graceSeconds: number): number {
  const waits = kind === 'stop' || kind === 'restart' ? graceSeconds * 1000 : 0;
  return DEFAULT_DEADLINES[kind] + waits;
}

/**
 * One Engine API call as a plain dockerode client makes it: what an extension without
 * Stevedore's engine would send. Remove forces, as `docker rm -f` does.
 */
export function plainCall(
  docker: Dockerode,
  kind: OperationKind,
  id: string,
  graceSeconds: number,
  signal: AbortSignal,
): Promise<unknown> {
  const c = docker.getContainer(id);
  const opts = { abortSignal: signal };
  switch (kind) {
    case 'start':
      return c.start(opts);
    case 'stop':
      return c.stop({ ...opts, t: graceSeconds });
    case 'restart':
      return c.restart({ ...opts, t: graceSeconds });
    case 'kill':
      return c.kill({ ...opts, signal: 'SIGKILL' });
    case 'pause':
      return c.pause(opts);
    case 'unpause':
      return c.unpause(opts);
    case 'remove':
      return c.remove({ ...opts, force: true });
  }
}
