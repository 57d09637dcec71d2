import type { ContainerEngine } from '../docker/containerEngine';
import { EngineTimeoutError, EngineUnreachableError } from '../docker/engineErrors';
import { sleep } from '../util/abort';
import { Emitter } from '../util/emitter';

/** How long an engine may stay unreachable before waiting items give up, by default. */
export const DEFAULT_MAX_OUTAGE_MS = 120_000;

/**
 * Whether one engine answers. When a request finds it down, operations stop sending and
 * wait here; one probe loop pings it with backoff until it answers again, so a dead daemon
 * costs one ping a few seconds, not a retry storm from every item.
 *
 * A ping proves a daemon that was unreachable is back, but not one whose requests timed
 * out: dockerd can answer pings, lists and inspects while every stop hangs (a deadlocked
 * containerd or network code). After a timeout, the outage lasts until a request gets an
 * answer (`reportAnswered`); once pings answer, the items whose answers were lost try again,
 * one request each, while new items wait.
 */
export class EngineHealth {
  private downSince: number | undefined;
  private lastError: Error | undefined;
  /** The outage began with or saw a timeout, so only an answered request ends it. */
  private stalled = false;
  /** Pings have not answered since the last failure; waiting items hold until one does. */
  private awaitingPing = false;
  private probing = false;
  private readonly changed = new Emitter<string | undefined>();

  /** Fires the problem text when the engine goes down, and undefined when it is back. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly adapter: ContainerEngine,
    private readonly lifetime: AbortSignal,
    private readonly maxOutageMs = DEFAULT_MAX_OUTAGE_MS,
  ) {}

  /** A sentence for the user while the engine is down, else undefined. */
  get problem(): string | undefined {
    if (this.downSince === undefined) return undefined;
    const timedOut = this.lastError instanceof EngineTimeoutError;
    const what = timedOut ? 'is not answering' : 'is unreachable';
    return `The Docker engine ${this.adapter.hostName} ${what}; waiting for it to come back`;
  }

  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  /** True once the engine has been down longer than waiting items are willing to wait. */
  get hasGivenUp(): boolean {
    return this.downSince !== undefined && Date.now() - this.downSince > this.maxOutageMs;
  }

  /** Records that a request found the engine down, and starts probing it. */
  reportDown(error: Error): void {
    this.lastError = error;
    this.stalled ||= error instanceof EngineTimeoutError;
    this.awaitingPing = true;
    if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.changed.fire(this.problem);
    }
    void this.probe();
  }

  /** Records that a request got an answer from the engine: any outage is over. */
  reportAnswered(): void {
    if (this.downSince === undefined) return;
    this.recover();
  }

  /**
   * Resolves once the engine answers pings, so a request whose answer was lost can try
   * again. Rejects with EngineUnreachableError when the outage lasts past the limit, or
   * with an AbortError when `signal` aborts.
   */
  async waitUntilUp(signal: AbortSignal): Promise<void> {
    while (this.downSince !== undefined) {
      if (this.hasGivenUp) {
        throw new EngineUnreachableError(
          `The Docker engine ${this.adapter.hostName} stayed down for more than ` +
            `${Math.round(this.maxOutageMs / 1000)} s (${this.lastError?.message ?? 'no answer'})`,
          { cause: this.lastError },
        );
      }
      if (!this.awaitingPing) return;
      await sleep(250, signal);
    }
  }

  private recover(): void {
    this.downSince = undefined;
    this.lastError = undefined;
    this.stalled = false;
    this.awaitingPing = false;
    this.changed.fire(undefined);
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    let delay = 500;
    try {
      while (this.awaitingPing && !this.lifetime.aborted) {
        try {
          await this.adapter.ping(this.lifetime);
          this.awaitingPing = false;
          if (!this.stalled) this.recover();
        } catch (error) {
          this.lastError = error instanceof Error ? error : new Error(String(error));
          await sleep(delay, this.lifetime).catch(() => undefined);
          delay = Math.min(5_000, delay * 2);
        }
      }
    } finally {
      this.probing = false;
    }
  }
}
