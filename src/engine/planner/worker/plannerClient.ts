import { Worker } from 'node:worker_threads';
import type { ContainerSummary } from '../../model/container';
import type { IndexedPlan } from '../plan/planTypes';
import { AbortError } from '../../util/abort';
import { errorFromWire } from './errorFromWire';
import { PlannerCrashedError } from './plannerCrashedError';
import {
  isWorkerToHostMessage,
  messageId,
  type HostToWorkerMessage,
  type PlanRequestBody,
  type ReplyFor,
  type SelectorValidation,
  type WorkerToHostMessage,
} from './plannerProtocol';
import { PlannerRequestError } from './plannerRequestError';

/** How to start the worker thread and how to feed it. */
export interface PlannerClientOptions {
  /** `dist/plannerWorker.js` in the bundle; tests may point at the TS source. */
  readonly workerPath: string;
  /**
   * Node flags for the worker; for the TS source on Node 20 use `['--require',
   * require.resolve('tsx/cjs')]`, as `--import tsx` does not reach a worker's entry there.
   */
  readonly execArgv?: string[];
  /** Containers in the first snapshot chunk; later chunks adapt. 500 by default. */
  readonly chunkSize?: number;
}

type RequestType = keyof ReplyFor;

interface Pending {
  readonly expects: WorkerToHostMessage['type'];
  readonly resolve: (reply: WorkerToHostMessage) => void;
  readonly reject: (error: Error) => void;
}

interface Loaded {
  readonly containers: readonly ContainerSummary[];
  readonly version: number;
  readonly worker: Worker;
}

// Posting one chunk should block the host for about this long, far below the 20 ms the
// extension host can afford whatever the containers weigh: cloning costs a few microseconds
// per container, more on a busy machine, so chunks start small and adapt.
const CHUNK_TARGET_MS = 2;
const FIRST_CHUNK = 500;
const MIN_CHUNK = 50;
const MAX_CHUNK = 10_000;

/**
 * Talks to the planner worker, started on first use and reused. A crash rejects waiting
 * requests with PlannerCrashedError; every request takes an AbortSignal.
 */
export class PlannerClient {
  // The next request after a crash starts a fresh worker. It is not restarted eagerly, so a
  // worker that cannot start at all fails requests instead of spinning.
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextVersion = 1;
  private loaded: Loaded | undefined;
  private uploads: Promise<unknown> = Promise.resolve();
  private uploading = 0;
  private chunkSize: number;
  private disposed = false;
  private lastCrash: Error | undefined;

  constructor(private readonly options: PlannerClientOptions) {
    if (typeof options.workerPath !== 'string' || options.workerPath === '') {
      throw new TypeError(`Expected workerPath to be a file path, got ${options.workerPath}`);
    }
    this.chunkSize = options.chunkSize ?? FIRST_CHUNK;
  }

  /** The snapshot version the running worker holds, or undefined before any upload. */
  get loadedSnapshotVersion(): number | undefined {
    return this.loaded?.worker === this.worker ? this.loaded?.version : undefined;
  }

  /**
   * Makes `containers` the worker's snapshot, in chunks with event-loop turns between, and
   * returns its version; the same array is not uploaded twice, so treat it as immutable.
   */
  ensureSnapshot(
    containers: readonly ContainerSummary[],
    signal?: AbortSignal,
  ): Promise<number> {
    const run = this.uploads.then(
      () => this.upload(containers, signal),
      () => this.upload(containers, signal),
    );
    this.uploads = run.catch(() => undefined);
    return run;
  }

  /** Plans against a snapshot this client uploaded; the reply is by snapshot position. */
  async plan(request: PlanRequestBody, signal?: AbortSignal): Promise<IndexedPlan> {
    const reply = await this.request<'plan'>({ ...request, type: 'plan' }, signal);
    return reply.plan;
  }

  /** Checks selector text, answering its canonical form or where it goes wrong. */
  async validateSelector(text: string, signal?: AbortSignal): Promise<SelectorValidation> {
    const message = { type: 'validateSelector', text } as const;
    const reply = await this.request<'validateSelector'>(message, signal);
    return reply.result;
  }

  /** Terminates the worker; waiting and later requests reject with an AbortError. */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(new AbortError('The planner was disposed'));
    void worker?.terminate();
  }

  private async upload(
    containers: readonly ContainerSummary[],
    signal: AbortSignal | undefined,
  ): Promise<number> {
    this.throwIfUnusable(signal);
    const worker = this.ensureWorker();
    if (this.loaded?.containers === containers && this.loaded.worker === worker) {
      return this.loaded.version;
    }

    const version = this.nextVersion++;
    const total = containers.length;
    this.uploading++;
    this.updateRef();
    try {
      for (let offset = 0; offset < total; ) {
        this.throwIfUnusable(signal);
        if (this.worker !== worker) {
          throw new PlannerCrashedError(this.lastCrash ?? new Error('the worker stopped'));
        }
        const size = Math.min(this.chunkSize, total - offset);
        const started = performance.now();
        const chunk = containers.slice(offset, offset + size);
        const message: HostToWorkerMessage = {
          type: 'snapshotChunk',
          snapshotVersion: version,
          offset,
          total,
          containers: chunk,
        };
        worker.postMessage(message);
        this.adaptChunkSize(size, performance.now() - started);
        offset += size;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.uploading--;
      this.updateRef();
    }

    if (this.worker !== worker) {
      throw new PlannerCrashedError(this.lastCrash ?? new Error('the worker stopped'));
    }
    await this.request<'commitSnapshot'>(
      { type: 'commitSnapshot', snapshotVersion: version, total },
      signal,
    );
    if (this.worker === worker) {
      this.loaded = { containers, version, worker };
    }
    return version;
  }

  // Containers vary in weight (a few labels or dozens), so the next chunk is sized from
  // how long this one took to clone, smoothed so one slow turn does not halve it at once.
  private adaptChunkSize(size: number, elapsedMs: number): void {
    const ideal = (size * CHUNK_TARGET_MS) / Math.max(elapsedMs, 0.05);
    const next = Math.round((this.chunkSize + ideal) / 2);
    this.chunkSize = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, next));
  }

  private request<T extends RequestType>(
    message: Omit<Extract<HostToWorkerMessage, { type: T }>, 'id'>,
    signal: AbortSignal | undefined,
  ): Promise<ReplyFor[T]> {
    try {
      this.throwIfUnusable(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;

    return new Promise<ReplyFor[T]>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.pending.delete(id)) {
          this.updateRef();
          if (this.worker === worker) {
            worker.postMessage({ type: 'cancel', id } satisfies HostToWorkerMessage);
          }
          reject(new AbortError('The planner request was aborted', { cause: signal?.reason }));
        }
      };
      const done = (): void => signal?.removeEventListener('abort', onAbort);

      this.pending.set(id, {
        expects: replyTypeFor(message.type),
        resolve: (reply) => {
          done();
          resolve(reply as ReplyFor[T]);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ ...message, id });
      this.updateRef();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) {
      return this.worker;
    }

    const worker = new Worker(this.options.workerPath, { execArgv: this.options.execArgv });
    worker.on('message', (message: unknown) => this.onMessage(message));
    worker.on('error', (error: Error) => this.onCrash(worker, error));
    worker.on('exit', (code: number) => {
      this.onCrash(worker, new Error(`the worker exited with code ${code}`));
    });
    this.worker = worker;
    this.updateRef();
    return worker;
  }

  private onMessage(message: unknown): void {
    if (!isWorkerToHostMessage(message)) {
      // A garbled reply to a request we wait for fails that request rather than leave it
      // hanging; anything else is dropped.
      const id = messageId(message);
      const pending = id === undefined ? undefined : this.pending.get(id);
      if (id !== undefined && pending !== undefined) {
        this.settle(id);
        pending.reject(new PlannerRequestError('MALFORMED_REPLY', 'Malformed planner reply'));
      }
      return;
    }

    const pending = this.pending.get(message.id);
    if (pending === undefined) {
      return;
    }
    this.settle(message.id);
    if (message.type === 'error') {
      pending.reject(errorFromWire(message.error));
    } else if (message.type !== pending.expects) {
      const text = `Expected a ${pending.expects} reply, got ${message.type}`;
      pending.reject(new PlannerRequestError('MALFORMED_REPLY', text));
    } else {
      pending.resolve(message);
    }
  }

  // Both 'error' and 'exit' fire for one crash; only the first, for the current worker, counts.
  private onCrash(worker: Worker, cause: Error): void {
    if (this.worker !== worker) {
      return;
    }
    this.worker = undefined;
    this.lastCrash = cause;
    this.rejectAll(new PlannerCrashedError(cause));
  }

  private rejectAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const pending of waiting) {
      pending.reject(error);
    }
  }

  private settle(id: number): void {
    this.pending.delete(id);
    this.updateRef();
  }

  // An idle worker must not keep a CLI process alive; a busy one must.
  private updateRef(): void {
    if (this.pending.size > 0 || this.uploading > 0) {
      this.worker?.ref();
    } else {
      this.worker?.unref();
    }
  }

  private throwIfUnusable(signal: AbortSignal | undefined): void {
    if (this.disposed) {
      throw new AbortError('The planner was disposed');
    }
    if (signal?.aborted) {
      throw new AbortError('The planner request was aborted', { cause: signal.reason });
    }
  }
}

function replyTypeFor(type: RequestType): WorkerToHostMessage['type'] {
  switch (type) {
    case 'commitSnapshot':
      return 'snapshotCommitted';
    case 'plan':
      return 'planResult';
    case 'validateSelector':
      return 'selectorValidation';
  }
}
