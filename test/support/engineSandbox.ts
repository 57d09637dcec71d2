import type Dockerode from 'dockerode';

import {
  startSandbox,
  type DockerSandbox,
  type SandboxOptions,
} from '../../scripts/sandbox/dockerSandbox';

/** What `withSandbox` hands a suite; its fields exist between the suite's before and after. */
export interface SandboxContext {
  readonly sandbox: DockerSandbox;
  readonly docker: Dockerode;
  readonly imageRef: string;
}

/** Thrown by `withDeadline` when the engine did not answer in time. */
export class DaemonDeadlineError extends Error {
  override readonly name = 'DaemonDeadlineError';
}

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 120_000;

/**
 * Gives the calling `describe` a private Docker engine with the busybox image: started in
 * `before`, stopped in `after`. Call it at the top of the suite's body.
 */
export function withSandbox(options: SandboxOptions = {}): SandboxContext {
  let current: DockerSandbox | undefined;

  before(async function () {
    this.timeout(START_TIMEOUT_MS);
    current = await startSandbox(options);
  });

  after(async function () {
    this.timeout(STOP_TIMEOUT_MS);
    await current?.stop();
    current = undefined;
  });

  const need = (): DockerSandbox => {
    if (!current) {
      throw new Error('withSandbox(): the sandbox exists only between its before and after hooks');
    }
    return current;
  };
  return {
    get sandbox() {
      return need();
    },
    get docker() {
      return need().docker;
    },
    get imageRef() {
      return need().imageRef;
    },
  };
}

/**
 * Fails with a clear message instead of hanging when dockerd stops answering (it can
 * deadlock). Pass a function to have its request aborted at the deadline too.
 */
export async function withDeadline<T>(
  work: Promise<T> | ((signal: AbortSignal) => Promise<T>),
  ms: number,
  what: string,
): Promise<T> {
  const controller = new AbortController();
  const promise = typeof work === 'function' ? work(controller.signal) : work;
  let timer: NodeJS.Timeout | undefined;

  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DaemonDeadlineError(
        `dockerd did not answer ${what} within ${ms / 1000} s; it may have deadlocked`,
      );
      controller.abort(error);
      reject(error);
    }, ms);
  });

  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
