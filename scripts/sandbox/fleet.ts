import type Dockerode from 'dockerode';

import {
  COMPOSE_DEPENDS_ON_LABEL,
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
} from '../../src/engine/model/container';

/** One container of a test fleet, as created. */
export interface FleetContainer {
  readonly id: string;
  readonly name: string;
  /** False for a plain `sleep` as PID 1, which ignores SIGTERM and waits out a stop. */
  readonly honoursSigterm: boolean;
}

/** What `createFleet` builds; see each field for its default. */
export interface FleetOptions {
  readonly count: number;
  readonly image: string;
  /** Name prefix: containers are `<prefix>-0000`, `<prefix>-0001`, ... Default "sv". */
  readonly prefix?: string;
  /** Value of the `stevedore.fleet` label, to find and remove this fleet. Default: prefix. */
  readonly runLabel?: string;
  /** Number of compose projects. Default: one per 20 containers, at least one. */
  readonly groups?: number;
  /** Requests in flight. Default 16. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** Options for the bulk helpers that act on a list of containers. */
export interface FleetBulkOptions {
  /** Requests in flight. Default 16. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** Label holding a fleet's run label, so one run finds and removes only its own containers. */
export const FLEET_LABEL = 'stevedore.fleet';
/** Label saying whether PID 1 "honours" or "ignores" SIGTERM, for tests of stop timing. */
export const SIGTERM_LABEL = 'stevedore.sigterm';

const DEFAULT_CONCURRENCY = 16;
const SERVICES = ['web', 'db', 'worker'] as const;
// Create and remove are quick; a start on a busy 2-core engine can take many seconds.
const CREATE_TIMEOUT_MS = 30_000;
const START_TIMEOUT_MS = 120_000;
const REMOVE_TIMEOUT_MS = 60_000;
const LIST_TIMEOUT_MS = 30_000;

interface PlannedContainer {
  readonly name: string;
  readonly honoursSigterm: boolean;
  readonly labels: Record<string, string>;
}

/**
 * Creates a fleet that looks like a real host's: half the containers ignore SIGTERM, most
 * belong to compose projects with web, db and worker services. Nothing is started.
 */
export async function createFleet(
  docker: Dockerode,
  options: FleetOptions,
): Promise<FleetContainer[]> {
  const plan = planFleet(options);

  const created = await forEachBounded(
    plan,
    {
      limit: options.concurrency ?? DEFAULT_CONCURRENCY,
      stopOnFailure: true,
      signal: options.signal,
    },
    async (item, signal) => {
      const container = await docker.createContainer({
        Image: options.image,
        name: item.name,
        Labels: item.labels,
        HostConfig: { NetworkMode: 'none', Init: item.honoursSigterm },
        abortSignal: withDeadline(signal, CREATE_TIMEOUT_MS),
      });
      return { id: container.id, name: item.name, honoursSigterm: item.honoursSigterm };
    },
  );

  return throwIfFailed('create', plan.length, created);
}

/** Starts the given containers with bounded concurrency; one already running is fine. */
export async function startContainers(
  docker: Dockerode,
  ids: readonly string[],
  options: FleetBulkOptions = {},
): Promise<void> {
  const results = await forEachBounded(
    ids,
    {
      limit: options.concurrency ?? DEFAULT_CONCURRENCY,
      stopOnFailure: true,
      signal: options.signal,
    },
    async (id, signal) => {
      await ignoreStatus([304], () =>
        docker.getContainer(id).start({ abortSignal: withDeadline(signal, START_TIMEOUT_MS) }),
      );
    },
  );
  throwIfFailed('start', ids.length, results);
}

/** Force-removes the given containers with bounded concurrency; one already gone is fine. */
export async function removeContainers(
  docker: Dockerode,
  ids: readonly string[],
  options: FleetBulkOptions = {},
): Promise<void> {
  // Best effort: one container that will not go must not keep the others.
  const results = await forEachBounded(
    ids,
    {
      limit: options.concurrency ?? DEFAULT_CONCURRENCY,
      stopOnFailure: false,
      signal: options.signal,
    },
    async (id, signal) => {
      // 404: already gone; 409: another removal of it is in progress.
      await ignoreStatus([404, 409], () =>
        docker.getContainer(id).remove({
          force: true,
          v: true,
          abortSignal: withDeadline(signal, REMOVE_TIMEOUT_MS),
        }),
      );
    },
  );
  throwIfFailed('remove', ids.length, results);
}

/** Force-removes every container labelled with `runLabel`, so a run cleans up after itself. */
export async function removeFleet(
  docker: Dockerode,
  runLabel: string,
  signal?: AbortSignal,
): Promise<void> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [`${FLEET_LABEL}=${runLabel}`] },
    abortSignal: withDeadline(signal, LIST_TIMEOUT_MS),
  });

  await removeContainers(
    docker,
    listed.map((container) => container.Id),
    signal ? { signal } : {},
  );
}

/**
 * Creates a container whose command does not exist, so that `start` fails with the engine's
 * own error; for testing how failures are reported.
 */
export async function createBrokenContainer(
  docker: Dockerode,
  image: string,
  name: string,
  options: { runLabel?: string; signal?: AbortSignal } = {},
): Promise<FleetContainer> {
  const container = await docker.createContainer({
    Image: image,
    name,
    Cmd: ['/bin/does-not-exist'],
    Labels: { [FLEET_LABEL]: options.runLabel ?? name, 'stevedore.broken': 'true' },
    HostConfig: { NetworkMode: 'none' },
    abortSignal: withDeadline(options.signal, CREATE_TIMEOUT_MS),
  });
  return { id: container.id, name, honoursSigterm: false };
}

function planFleet(options: FleetOptions): PlannedContainer[] {
  const count = options.count;
  if (!Number.isInteger(count) || count < 0) {
    throw new TypeError(`Expected count to be a whole number >= 0, got ${count}`);
  }
  const prefix = options.prefix ?? 'sv';
  const runLabel = options.runLabel ?? prefix;
  const groups = Math.max(1, Math.floor(options.groups ?? Math.round(count / 20)));
  const width = Math.max(4, String(count - 1).length);

  // Every tenth container stands alone, as hand-started containers do on a real host.
  const composed = (i: number): boolean => i % 10 !== 9;
  const serviceOf = (i: number): (typeof SERVICES)[number] =>
    SERVICES[Math.floor(i / groups) % SERVICES.length] ?? 'web';
  const projectsWithDb = new Set<number>();
  for (let i = 0; i < count; i++) {
    if (composed(i) && serviceOf(i) === 'db') {
      projectsWithDb.add(i % groups);
    }
  }

  const plan: PlannedContainer[] = [];
  for (let i = 0; i < count; i++) {
    // Even ones run a bare `sleep` as PID 1, which ignores SIGTERM; odd ones get an init.
    const honoursSigterm = i % 2 === 1;
    const labels: Record<string, string> = {
      [FLEET_LABEL]: runLabel,
      [SIGTERM_LABEL]: honoursSigterm ? 'honours' : 'ignores',
    };
    if (composed(i)) {
      const project = i % groups;
      const service = serviceOf(i);
      labels[COMPOSE_PROJECT_LABEL] = `${prefix}-proj-${project}`;
      labels[COMPOSE_SERVICE_LABEL] = service;
      if (service === 'web' && projectsWithDb.has(project)) {
        labels[COMPOSE_DEPENDS_ON_LABEL] = 'db:service_started:false';
      }
    }
    plan.push({ name: `${prefix}-${String(i).padStart(width, '0')}`, honoursSigterm, labels });
  }
  return plan;
}

interface BatchResult<R> {
  readonly values: (R | undefined)[];
  readonly failures: number;
  /** The first error a task threw, not the aborts it then caused. */
  readonly firstError?: unknown;
}

// Runs `task` over `items` with at most `limit` in flight. With `stopOnFailure` the rest are
// not begun after a failure, so a broken engine costs one round of deadlines, not one per item.
async function forEachBounded<T, R>(
  items: readonly T[],
  options: { limit: number; stopOnFailure: boolean; signal: AbortSignal | undefined },
  task: (item: T, signal: AbortSignal) => Promise<R>,
): Promise<BatchResult<R>> {
  const { limit, stopOnFailure, signal } = options;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`Expected concurrency to be a whole number >= 1, got ${limit}`);
  }
  const stop = new AbortController();
  const linked = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const values: (R | undefined)[] = new Array(items.length);
  let failures = 0;
  let firstError: unknown;
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      if (linked.aborted) {
        failures++;
        firstError ??= linked.reason;
        continue;
      }
      try {
        values[index] = await task(items[index] as T, linked);
      } catch (error) {
        failures++;
        if (!stop.signal.aborted) {
          firstError ??= error;
        }
        if (stopOnFailure) {
          stop.abort(new Error('an earlier request of this batch failed', { cause: error }));
        }
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return { values, failures, firstError };
}

function throwIfFailed<R>(what: string, total: number, result: BatchResult<R>): R[] {
  if (result.failures === 0) {
    return result.values as R[];
  }
  const first = result.firstError;
  const reason = first instanceof Error ? first.message : String(first);
  throw new Error(`${what} failed for ${result.failures} of ${total}: ${reason}`, {
    cause: first,
  });
}

async function ignoreStatus(
  codes: readonly number[],
  call: () => Promise<unknown>,
): Promise<void> {
  try {
    await call();
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status !== 'number' || !codes.includes(status)) {
      throw error;
    }
  }
}

function withDeadline(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
