import type { ContainerEngine } from '../../src/engine/docker/containerEngine';
import type { ContainerInspection } from '../../src/engine/docker/dockerAdapter';
import {
  ConflictError,
  EngineError,
  EngineUnreachableError,
  NotFoundError,
  NotModifiedError,
} from '../../src/engine/docker/engineErrors';
import type { ContainerState, ContainerSummary } from '../../src/engine/model/container';
import type { OperationTarget } from '../../src/engine/model/operation';

/** Every call the engine interface has. */
export type CallKind =
  | 'ping'
  | 'list'
  | 'inspect'
  | 'start'
  | 'stop'
  | 'restart'
  | 'kill'
  | 'pause'
  | 'unpause'
  | 'remove';

/** The calls that change a container; `failNext` and `hang` apply to these only. */
export type ActionKind = Exclude<CallKind, 'ping' | 'list' | 'inspect'>;

/** One call as the simulated daemon saw it: when it arrived, or when it answered. */
export interface CallEvent {
  readonly at: 'arrive' | 'answer';
  readonly kind: CallKind;
  readonly id?: string;
  /** How the call ended, on answers: ok, or the error's name. */
  readonly outcome?: string;
}

/** Milliseconds per call: a base per kind plus a term per call in flight. */
export interface LatencyModel {
  readonly baseMs: Readonly<Record<CallKind, number>>;
  /** Added once per call in flight, as a CPU-bound daemon slows with its load. */
  readonly perInFlightMs: number;
  /**
   * Changing calls the daemon finishes per second at most, one after another, as a
   * CPU-bound daemon does: past `perSecond` times the base latency in flight, more calls
   * only wait longer. Unlimited when not given.
   */
  readonly perSecond?: number;
}

/** Small enough that 1000 items finish in well under a second at moderate concurrency. */
export const FAST_LATENCY: LatencyModel = {
  baseMs: {
    ping: 1,
    list: 2,
    inspect: 1,
    start: 3,
    stop: 2,
    restart: 4,
    kill: 1,
    pause: 1,
    unpause: 1,
    remove: 1,
  },
  perInFlightMs: 0.05,
};

interface InjectedFailure {
  readonly error: Error;
  remaining: number;
  /** The daemon did the work and the answer was lost, as with a deadline. */
  readonly acted: boolean;
}

/** How to build a simulated engine. */
export interface SimulatedEngineOptions {
  readonly hostName?: string;
  readonly latency?: LatencyModel;
}

/**
 * An in-memory Docker daemon with the status codes of the real one (see
 * `shared/notes/real-parts.md`) and a latency that grows with the calls in flight. It
 * throws the typed errors the adapter would map to, so controller tests run without a
 * daemon; integration tests drive the real adapter against a real one.
 */
export class SimulatedEngine implements ContainerEngine {
  readonly hostName: string;
  /** Arrivals and answers, in the order they happened. */
  readonly events: CallEvent[] = [];
  private readonly containers = new Map<string, ContainerSummary>();
  private readonly failures = new Map<string, InjectedFailure>();
  private readonly hanging = new Set<string>();
  /** Rejects every pending call at once, as a dying daemon resets its connections. */
  private readonly resets = new Set<(error: Error) => void>();
  private latency: LatencyModel;
  /** When the CPU-bound daemon of `perSecond` is next free, on Date.now's scale. */
  private freeAtMs = 0;
  private isDown = false;
  private inFlightNow = 0;
  private maxInFlightSeen = 0;

  constructor(options: SimulatedEngineOptions = {}) {
    this.hostName = options.hostName ?? 'sim';
    this.latency = options.latency ?? FAST_LATENCY;
  }

  /** Adds `count` containers named `prefix-N` in `state`; returns them as targets. */
  addFleet(count: number, state: ContainerState, prefix = 'c'): OperationTarget[] {
    const targets: OperationTarget[] = [];
    for (let i = 0; i < count; i += 1) {
      const name = `${prefix}-${i}`;
      const id = `${this.hostName}-${name}`;
      this.containers.set(id, {
        id,
        name,
        image: 'busybox:sim',
        state,
        status: state,
        labels: {},
        createdMs: i,
        host: this.hostName,
      });
      targets.push({ id, name, state, host: this.hostName });
    }
    return targets;
  }

  /** The container's state now, or undefined when it does not exist. */
  stateOf(id: string): ContainerState | undefined {
    return this.containers.get(id)?.state;
  }

  /** Changes a container behind the operation's back, as another client would. */
  setState(id: string, state: ContainerState): void {
    const existing = this.containers.get(id);
    if (existing) this.containers.set(id, { ...existing, state, status: state });
  }

  /** Changes how fast the daemon answers from now on, as when the host gets busy. */
  setLatency(latency: LatencyModel): void {
    this.latency = latency;
  }

  /** The most calls that were ever in flight at once. */
  get maxInFlight(): number {
    return this.maxInFlightSeen;
  }

  get inFlight(): number {
    return this.inFlightNow;
  }

  /** Arrivals only, optionally of one kind, in order. */
  arrivals(kind?: CallKind): CallEvent[] {
    return this.events.filter((e) => e.at === 'arrive' && (!kind || e.kind === kind));
  }

  /** Calls that arrived for one container, of any kind. */
  callsFor(id: string, kind?: CallKind): number {
    return this.arrivals(kind).filter((e) => e.id === id).length;
  }

  /**
   * The next `times` action calls for `id` throw `error`. With `acted`, the daemon does the
   * work first and the answer is lost, as when a request outlives its deadline.
   */
  failNext(id: string, error: Error, times = 1, options: { acted?: boolean } = {}): void {
    this.failures.set(id, { error, remaining: times, acted: options.acted ?? false });
  }

  /** Action calls for `id` never answer; they reject with an AbortError when aborted. */
  hang(id: string): void {
    this.hanging.add(id);
  }

  /** The daemon goes away: calls in flight and every later call and ping are refused. */
  down(): void {
    this.isDown = true;
    const error = new EngineUnreachableError('cannot reach the engine (connect ECONNREFUSED)');
    for (const reset of [...this.resets]) reset(error);
  }

  up(): void {
    this.isDown = false;
  }

  ping(signal: AbortSignal): Promise<void> {
    return this.call('ping', undefined, signal, () => undefined);
  }

  list(signal: AbortSignal): Promise<ContainerSummary[]> {
    return this.call('list', undefined, signal, () => [...this.containers.values()]);
  }

  inspect(id: string, signal: AbortSignal): Promise<ContainerInspection> {
    return this.call('inspect', id, signal, () => {
      const c = this.require('inspect', id);
      return { id: c.id, name: c.name, state: c.state };
    });
  }

  start(id: string, signal: AbortSignal): Promise<void> {
    return this.call('start', id, signal, () => {
      const state = this.require('start', id).state;
      if (state === 'running' || state === 'restarting') {
        throw new NotModifiedError(`start ${id}: container already started`);
      }
      if (state === 'paused') {
        throw new ConflictError(`start ${id}: cannot start a paused container, try unpause`);
      }
      this.setState(id, 'running');
    });
  }

  stop(id: string, _graceSeconds: number, signal: AbortSignal): Promise<void> {
    return this.call('stop', id, signal, () => {
      if (!isUp(this.require('stop', id).state)) {
        throw new NotModifiedError(`stop ${id}: container already stopped`);
      }
      this.setState(id, 'exited');
    });
  }

  restart(id: string, _graceSeconds: number, signal: AbortSignal): Promise<void> {
    return this.call('restart', id, signal, () => {
      this.require('restart', id);
      this.setState(id, 'running');
    });
  }

  kill(id: string, _killSignal: string, signal: AbortSignal): Promise<void> {
    return this.call('kill', id, signal, () => {
      if (!isUp(this.require('kill', id).state)) {
        throw new ConflictError(`kill ${id}: Container ${id} is not running`);
      }
      this.setState(id, 'exited');
    });
  }

  pause(id: string, signal: AbortSignal): Promise<void> {
    return this.call('pause', id, signal, () => {
      const state = this.require('pause', id).state;
      if (state === 'paused') {
        throw new ConflictError(`pause ${id}: Container ${id} is already paused`);
      }
      if (!isUp(state)) {
        throw new ConflictError(`pause ${id}: Container ${id} is not running`);
      }
      this.setState(id, 'paused');
    });
  }

  unpause(id: string, signal: AbortSignal): Promise<void> {
    return this.call('unpause', id, signal, () => {
      if (this.require('unpause', id).state !== 'paused') {
        // Docker answers 500 here, not 409: the one non-idempotent call that looks transient.
        throw new EngineError(`unpause ${id}: Container ${id} is not paused`, 'SERVER', true, 500);
      }
      this.setState(id, 'running');
    });
  }

  remove(
    id: string,
    options: { force?: boolean; volumes?: boolean },
    signal: AbortSignal,
  ): Promise<void> {
    return this.call('remove', id, signal, () => {
      if (isUp(this.require('remove', id).state) && !options.force) {
        throw new ConflictError(
          `remove ${id}: You cannot remove a running container ${id}. ` +
            'Stop the container before attempting removal or force remove',
        );
      }
      this.containers.delete(id);
    });
  }

  private require(kind: CallKind, id: string): ContainerSummary {
    const c = this.containers.get(id);
    if (!c) throw new NotFoundError(`${kind} ${id}: No such container: ${id}`);
    return c;
  }

  /**
   * One call: it arrives, waits out its latency (or forever, when hung), then the daemon
   * applies `effect` and answers. An abort or a reset before the answer leaves no effect.
   */
  private async call<T>(
    kind: CallKind,
    id: string | undefined,
    signal: AbortSignal,
    effect: () => T,
  ): Promise<T> {
    this.events.push({ at: 'arrive', kind, id });
    this.inFlightNow += 1;
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.inFlightNow);
    try {
      const result = await this.answer(kind, id, signal, effect);
      this.events.push({ at: 'answer', kind, id, outcome: 'ok' });
      return result;
    } catch (error) {
      this.events.push({ at: 'answer', kind, id, outcome: (error as Error).name });
      throw error;
    } finally {
      this.inFlightNow -= 1;
    }
  }

  private async answer<T>(
    kind: CallKind,
    id: string | undefined,
    signal: AbortSignal,
    effect: () => T,
  ): Promise<T> {
    if (signal.aborted) throw abortError(signal);
    if (this.isDown) {
      throw new EngineUnreachableError(`${kind}: cannot reach the engine (connect ECONNREFUSED)`);
    }

    const action = id !== undefined && isAction(kind);
    const ms = action && this.hanging.has(id)
      ? Infinity
      : Math.max(
        this.latency.baseMs[kind] + this.latency.perInFlightMs * this.inFlightNow,
        action ? this.queueFor(this.latency.perSecond) : 0,
      );
    await this.wait(ms, signal);

    const failure = action ? this.takeFailure(id) : undefined;
    if (failure) {
      if (failure.acted) effect();
      throw failure.error;
    }
    return effect();
  }

  /** How long a changing call waits for its turn at a daemon of `perSecond` calls a second. */
  private queueFor(perSecond: number | undefined): number {
    if (perSecond === undefined) return 0;
    const now = Date.now();
    this.freeAtMs = Math.max(now, this.freeAtMs) + 1000 / perSecond;
    return this.freeAtMs - now;
  }

  private takeFailure(id: string): InjectedFailure | undefined {
    const failure = this.failures.get(id);
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.delete(id);
    return failure;
  }

  /** Waits `ms` (forever for Infinity) unless the signal aborts or the daemon goes down. */
  private wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.resets.delete(settle);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => settle(abortError(signal));
      const timer = Number.isFinite(ms) ? setTimeout(() => settle(), ms) : undefined;
      signal.addEventListener('abort', onAbort, { once: true });
      this.resets.add(settle);
    });
  }
}

function isUp(state: ContainerState): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting';
}

function isAction(kind: CallKind): kind is ActionKind {
  return kind !== 'ping' && kind !== 'list' && kind !== 'inspect';
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('The operation was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}
