import { performance } from 'node:perf_hooks';

import { DockerAdapter } from '../src/engine/docker/dockerAdapter';
import { HistoryStore } from '../src/engine/history/historyStore';
import type { OperationKind, OperationRequest } from '../src/engine/model/operation';
import { BulkEngine } from '../src/engine/operation/bulkEngine';
import { planOperation } from '../src/engine/planner/plan/planOperation';
import { DEFAULT_CONCURRENCY } from '../src/engine/queue/concurrencyDefaults';
import { LimitMemory } from '../src/engine/queue/limitMemory';
import type { Contender, ContenderRun } from './contender';
import { tally } from './failureKind';
import { percentile } from './percentile';
import type { ContenderOutcome } from './runResult';

/** Options of Stevedore's contender. */
export interface StevedoreContenderOptions {
  readonly socketPath: string;
  /** Where its history and remembered limits go, as the extension keeps them per user. */
  readonly stateDir: string;
  /** False pins every kind to its default in concurrencyDefaults.ts instead of adapting. */
  readonly adaptive: boolean;
  readonly graceSeconds: number;
  /** False plans as `--no-order` does: compose depends_on is ignored. Default true. */
  readonly dependencyOrder?: boolean;
}

/**
 * Stevedore's engine as the extension drives it: one long-lived BulkEngine with a history
 * and a limit memory (auto concurrency), targets from the planner, progress from
 * `onProgress`. It also measures what only it can show: the host's event-loop delay and
 * the cadence of progress snapshots. A run the failure guard pauses is told to continue, so
 * the figure shows what the whole fleet cost; the pauses are counted.
 */
export class StevedoreContender implements Contender {
  readonly name: string;
  readonly family: 'stevedore' | 'stevedore-unordered';
  readonly concurrency: string;
  private engine: BulkEngine | undefined;
  private readonly adapter: DockerAdapter;
  private planned: { request: OperationRequest; waves: number; planMs: number } | undefined;

  constructor(private readonly options: StevedoreContenderOptions) {
    this.adapter = new DockerAdapter({
      endpoint: { kind: 'unix', socketPath: options.socketPath, label: 'bench' },
    });
    this.concurrency = options.adaptive ? 'auto (adaptive)' : 'per-kind default';
    const ordered = options.dependencyOrder ?? true;
    this.name = ordered ? 'Stevedore' : 'Stevedore --no-order';
    this.family = ordered ? 'stevedore' : 'stevedore-unordered';
  }

  /** How the limit is chosen, with the defaults it starts from. */
  describeLimiter(kind: OperationKind): string {
    return this.options.adaptive
      ? `adaptive from ${DEFAULT_CONCURRENCY[kind]} (AdaptiveLimiter + LimitMemory)`
      : `fixed default ${DEFAULT_CONCURRENCY[kind]}`;
  }

  async prepare(kind: OperationKind, ids: readonly string[], signal: AbortSignal): Promise<void> {
    const containers = await this.adapter.list(signal);
    const began = performance.now();
    const plan = planOperation({
      containers,
      kind,
      options: operationOptions(kind, this.options),
      ids,
      nowMs: Date.now(),
    });
    const planMs = performance.now() - began;
    if (plan.missing.length > 0) {
      throw new Error(`The planner found no container for ${plan.missing.length} ids`);
    }
    this.planned = {
      request: {
        kind,
        targets: plan.targets,
        waves: plan.waves,
        chains: plan.chains,
        skipped: plan.skipped,
        options: operationOptions(kind, this.options),
        label: `bench ${kind}`,
      },
      waves: new Set(plan.waves).size,
      planMs,
    };
  }

  async run(run: ContenderRun): Promise<ContenderOutcome> {
    const planned = this.planned;
    if (!planned) throw new Error('prepare() must run before run()');
    this.planned = undefined;
    const engine = await this.engineNow();

    const failures: Record<string, number> = {};
    const completionsMs: number[] = [];
    const snapshotsAt: number[] = [];
    const changesAt: number[] = [];
    let succeeded = 0;
    let concurrencyShown = 0;
    let concurrencyLast = 0;
    let concurrencySum = 0;
    let guardTrips = 0;
    let operationId = '';

    const subs = [
      engine.onProgress((s) => {
        if (s.operationId !== operationId) return;
        snapshotsAt.push(performance.now());
        concurrencyShown = Math.max(concurrencyShown, s.concurrency);
        concurrencyLast = s.concurrency;
        concurrencySum += s.concurrency;
      }),
      engine.onItem(({ operationId: id, item }) => {
        if (id !== operationId) return;
        changesAt.push(performance.now());
        if (item.state !== 'running' && item.state !== 'queued') run.tick();
        if (item.state === 'succeeded' || item.state === 'skipped') {
          succeeded++;
          completionsMs.push(performance.now() - run.t0);
        } else if (item.state === 'failed') {
          tally(failures, item.error?.code.toLowerCase() ?? 'failed');
        } else if (item.state === 'cancelled') {
          tally(failures, run.signal.aborted ? 'hung' : 'cancelled');
        }
      }),
      engine.onStatus(({ operationId: id, status }) => {
        if (id !== operationId || status !== 'guarded') return;
        guardTrips++;
        // Later, off this call stack: the engine fires the status before it starts waiting.
        setImmediate(() => engine.decide(id, 'continue'));
      }),
    ];

    const handle = engine.submit(planned.request);
    operationId = handle.id;
    const onHang = (): void => {
      // Cancel stops dispatch; disposing aborts the requests a hung engine will never answer.
      engine.cancel(handle.id);
      void engine.dispose();
      this.engine = undefined;
    };
    run.signal.addEventListener('abort', onHang, { once: true });
    try {
      await handle.done;
    } finally {
      run.signal.removeEventListener('abort', onHang);
      for (const sub of subs) sub.dispose();
    }

    const gaps = snapshotsAt.slice(1).map((t, i) => t - (snapshotsAt[i] as number));
    const waits = waitsForSnapshot(changesAt, snapshotsAt);
    return {
      succeeded,
      failures,
      completionsMs,
      stevedore: {
        limiter: this.describeLimiter(run.kind),
        concurrencyShown,
        concurrencyLast,
        concurrencyMean: Math.round((concurrencySum / Math.max(1, snapshotsAt.length)) * 10) / 10,
        waves: planned.waves,
        snapshots: snapshotsAt.length,
        snapshotP50Ms: Math.round(percentile(gaps, 50)),
        snapshotP99Ms: Math.round(percentile(gaps, 99)),
        changeToSnapshotP50Ms: Math.round(percentile(waits, 50)),
        changeToSnapshotP99Ms: Math.round(percentile(waits, 99)),
        guardTrips,
        planMs: Math.round(planned.planMs * 10) / 10,
      },
    };
  }

  /** Drops the engine after the daemon was restarted; the next run makes a new one. */
  async reset(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    await engine?.dispose();
  }

  private async engineNow(): Promise<BulkEngine> {
    if (this.engine) return this.engine;
    const history = new HistoryStore(this.options.stateDir);
    const limitMemory = this.options.adaptive ? new LimitMemory(this.options.stateDir) : undefined;
    await limitMemory?.load();
    const engine = new BulkEngine({ adapters: [this.adapter], history, limitMemory });
    await engine.loadHistory();
    this.engine = engine;
    return engine;
  }
}

function operationOptions(kind: OperationKind, options: StevedoreContenderOptions) {
  // A short grace keeps the run short; force makes remove act like `docker rm -f`.
  const order = options.dependencyOrder === false ? { dependencyOrder: false } : {};
  return kind === 'remove'
    ? { force: true, ...order }
    : { graceSeconds: options.graceSeconds, ...order };
}

// For each item change, how long until the next snapshot went out; both lists are sorted.
function waitsForSnapshot(changesAt: readonly number[], snapshotsAt: readonly number[]): number[] {
  const waits: number[] = [];
  let next = 0;
  for (const at of changesAt) {
    while (next < snapshotsAt.length && (snapshotsAt[next] as number) < at) next++;
    if (next < snapshotsAt.length) waits.push((snapshotsAt[next] as number) - at);
  }
  return waits;
}
