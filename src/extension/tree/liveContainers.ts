import type { ContainerEvents } from '../../engine/docker/containerEvents';
import type { ContainerSummary } from '../../engine/model/container';
import { Emitter } from '../../engine/util/emitter';
import { type Logger, SILENT_LOGGER } from '../../engine/util/logger';

/** The one engine call the list needs. */
export interface ContainerLister {
  list(signal: AbortSignal): Promise<ContainerSummary[]>;
}

/** Timing of re-lists; every field has a default. */
export interface LiveContainersOptions {
  /** Wait after the first event of a burst, so the burst costs one list. */
  readonly burstDelayMs?: number;
  /** Shortest time between the starts of two lists. */
  readonly minIntervalMs?: number;
  /** Safety re-list while the view is visible, in case events were dropped. */
  readonly safetyIntervalMs?: number;
  readonly log?: Logger;
}

/** What a list brought: the containers, or the error that kept them from coming. */
export type ListOutcome =
  | { readonly ok: true; readonly containers: readonly ContainerSummary[] }
  | { readonly ok: false; readonly error: Error };

/**
 * The engine's containers as last listed, kept fresh by the event stream. Events are only
 * hints, so each burst becomes one re-list, at most one every `minIntervalMs`; a list is
 * never run twice at once; the safety re-list runs only while the view is visible.
 */
export class LiveContainers {
  private snapshot: readonly ContainerSummary[] = [];
  private lastError: Error | undefined;
  private listed = false;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private safetyTimer: NodeJS.Timeout | undefined;
  private lastStartMs = -Infinity;
  private lastDoneMs = -Infinity;
  private visible = false;
  private readonly waiters: (() => void)[] = [];
  private readonly lifetime = new AbortController();
  private readonly changed = new Emitter<ListOutcome>((e) => this.listenerFailed(e));
  private readonly subscriptions: { dispose(): void }[] = [];
  private readonly burstDelayMs: number;
  private readonly minIntervalMs: number;
  private readonly safetyIntervalMs: number;
  private readonly log: Logger;

  /** Fires after every list, with its containers or its error. */
  readonly onDidList = this.changed.event;

  constructor(
    private readonly lister: ContainerLister,
    events: ContainerEvents | undefined,
    options: LiveContainersOptions = {},
  ) {
    this.burstDelayMs = options.burstDelayMs ?? 100;
    this.minIntervalMs = options.minIntervalMs ?? 400;
    this.safetyIntervalMs = Math.max(30_000, options.safetyIntervalMs ?? 30_000);
    this.log = options.log ?? SILENT_LOGGER;
    if (events !== undefined) {
      this.subscriptions.push(
        events.onEvent(() => this.refresh()),
        // Whatever happened while the stream was down is unknown: list again.
        events.onConnected(() => this.refresh()),
      );
    }
  }

  /** The containers of the last successful list, in the engine's order; never mutated. */
  get containers(): readonly ContainerSummary[] {
    return this.snapshot;
  }

  /** Why the last list failed, or undefined when it succeeded. */
  get error(): Error | undefined {
    return this.lastError;
  }

  /** True once a list has answered, whether with containers or an error. */
  get hasListed(): boolean {
    return this.listed;
  }

  /** Asks for a re-list soon; many calls close together cost one list. */
  refresh(): void {
    if (this.lifetime.signal.aborted) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(this.burstDelayMs, this.lastStartMs + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startList();
    }, wait);
  }

  /** Lists now (or joins the list under way, then lists again) and resolves when done. */
  async refreshNow(): Promise<ListOutcome> {
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight) this.again = true;
    else this.startList();
    await done;
    return this.lastError ? { ok: false, error: this.lastError }
      : { ok: true, containers: this.snapshot };
  }

  /**
   * Tells whether the view is on screen: the safety re-list runs only then, and a view that
   * comes back after more than one interval gets a list at once.
   */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) {
      clearInterval(this.safetyTimer);
      this.safetyTimer = undefined;
      return;
    }
    if (Date.now() - this.lastDoneMs > this.safetyIntervalMs) this.refresh();
    this.safetyTimer = setInterval(() => this.refresh(), this.safetyIntervalMs);
  }

  dispose(): void {
    this.lifetime.abort(new Error('The container list was disposed'));
    clearTimeout(this.timer);
    clearInterval(this.safetyTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
    for (const wake of this.waiters.splice(0)) wake();
  }

  private startList(): void {
    this.again = false;
    this.lastStartMs = Date.now();
    // Waiters that arrived before this list started are answered by it.
    const waiting = this.waiters.splice(0);
    this.inFlight = this.listOnce().finally(() => {
      this.inFlight = undefined;
      this.lastDoneMs = Date.now();
      for (const wake of waiting) wake();
      if (this.waiters.length > 0) this.startList();
      else if (this.again) this.refresh();
    });
  }

  private async listOnce(): Promise<void> {
    let outcome: ListOutcome;
    try {
      const containers = await this.lister.list(this.lifetime.signal);
      Object.freeze(containers);
      this.snapshot = containers;
      this.lastError = undefined;
      outcome = { ok: true, containers };
    } catch (error) {
      if (this.lifetime.signal.aborted) return;
      const failure = error instanceof Error ? error : new Error(String(error));
      if (this.lastError?.message !== failure.message) {
        this.log.warn(`[tree] listing containers failed: ${failure.message}`);
      }
      this.lastError = failure;
      outcome = { ok: false, error: failure };
    }
    this.listed = true;
    this.changed.fire(outcome);
  }

  private listenerFailed(error: unknown): void {
    this.log.error(`[tree] a container list listener failed: ${String(error)}`);
  }
}
