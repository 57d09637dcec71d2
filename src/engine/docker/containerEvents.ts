import { setMaxListeners } from 'node:events';

import { sleep } from '../util/abort';
import { Emitter } from '../util/emitter';
import { type Logger, SILENT_LOGGER } from '../util/logger';
import { toEngineError } from './engineErrors';

/** One container event from the engine: a hint that something about `id` changed. */
export interface ContainerEvent {
  readonly id: string;
  /** Docker's action, such as `start`, `die`, `destroy` or `health_status: healthy`. */
  readonly action: string;
  /** Engine time of the event in seconds since the epoch, with a fraction. */
  readonly time: number;
}

/** The one call the stream needs, as dockerode's `getEvents` has it. */
export interface EventSource {
  getEvents(options: {
    filters: { type: string[] };
    since?: string;
    abortSignal: AbortSignal;
  }): Promise<NodeJS.ReadableStream>;
}

/** How the stream behaves; every field has a default. */
export interface ContainerEventsOptions {
  readonly log?: Logger;
  /** First wait before reconnecting; doubled each failure up to `maxBackoffMs`. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long the engine may take to answer the subscription. */
  readonly connectTimeoutMs?: number;
}

// Actions that only report on a process inside the container or a client attaching: the
// container's state and status line are the same afterwards, so they are not worth a re-list.
const IGNORED_ACTIONS = /^(exec_|attach|detach|top|resize|export|copy|archive-path|commit)/;

// A stream that stayed up this long was healthy; the next failure starts the backoff over.
const HEALTHY_MS = 10_000;

/**
 * The engine's `/events` stream for containers, kept open: on end or error it reconnects
 * with backoff and asks for what it missed with `since`. The daemon drops events for slow
 * readers and replays at most 256, so events are only hints: `onConnected` tells the caller
 * to re-list, once per (re)connection. Has no VS Code in it; the extension drives it.
 */
export class ContainerEvents {
  private readonly lifetime = new AbortController();
  private readonly log: Logger;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly connectTimeoutMs: number;
  private readonly event = new Emitter<ContainerEvent>((e) => this.listenerFailed(e));
  private readonly connected = new Emitter<void>((e) => this.listenerFailed(e));
  private readonly disconnected = new Emitter<Error>((e) => this.listenerFailed(e));
  private lastTime: number | undefined;
  private running = false;

  /** A container changed, as far as the engine told us. */
  readonly onEvent = this.event.event;
  /** The stream is (again) open: whatever happened while it was not is unknown. */
  readonly onConnected = this.connected.event;
  /** The stream broke; it reconnects on its own. */
  readonly onDisconnected = this.disconnected.event;

  constructor(
    private readonly source: EventSource,
    options: ContainerEventsOptions = {},
  ) {
    this.log = options.log ?? SILENT_LOGGER;
    this.minBackoffMs = options.minBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    setMaxListeners(0, this.lifetime.signal);
  }

  /** Opens the stream; calling it again does nothing. */
  start(): void {
    if (this.running || this.lifetime.signal.aborted) return;
    this.running = true;
    void this.run();
  }

  /** Closes the stream for good. */
  dispose(): void {
    this.lifetime.abort(new Error('The event stream was disposed'));
    this.event.dispose();
    this.connected.dispose();
    this.disconnected.dispose();
  }

  private async run(): Promise<void> {
    let backoff = this.minBackoffMs;
    while (!this.lifetime.signal.aborted) {
      const openedAt = Date.now();
      try {
        await this.streamOnce();
        this.log.debug('[events] the engine closed the event stream; reconnecting');
        this.disconnected.fire(new Error('The engine closed the event stream'));
      } catch (error) {
        if (this.lifetime.signal.aborted) break;
        const reason = toEngineError(error, 'container events');
        this.log.debug(`[events] stream failed: ${reason.message}`);
        this.disconnected.fire(reason);
      }

      if (Date.now() - openedAt > HEALTHY_MS) backoff = this.minBackoffMs;
      try {
        await sleep(backoff, this.lifetime.signal);
      } catch {
        break;
      }
      backoff = Math.min(this.maxBackoffMs, backoff * 2);
    }
    this.running = false;
  }

  // Resolves when the engine ends the stream, rejects when it fails or cannot be reached.
  private async streamOnce(): Promise<void> {
    const attempt = new AbortController();
    const onLifetimeAbort = (): void => attempt.abort(this.lifetime.signal.reason);
    this.lifetime.signal.addEventListener('abort', onLifetimeAbort, { once: true });
    const timer = setTimeout(
      () => attempt.abort(new Error(`No answer within ${this.connectTimeoutMs} ms`)),
      this.connectTimeoutMs,
    );

    try {
      const stream = await this.source.getEvents({
        filters: { type: ['container'] },
        ...(this.lastTime === undefined ? {} : { since: formatSince(this.lastTime) }),
        abortSignal: attempt.signal,
      });
      clearTimeout(timer);
      this.log.debug('[events] stream open');
      this.connected.fire();
      await this.consume(stream, attempt.signal);
    } finally {
      clearTimeout(timer);
      this.lifetime.signal.removeEventListener('abort', onLifetimeAbort);
      attempt.abort();
    }
  }

  private consume(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer | string): void => {
        buffered += chunk.toString();
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          this.handleLine(buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
        }
      };
      const finish = (error?: Error): void => {
        stream.removeListener('data', onData);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => finish(signal.reason as Error);

      stream.on('data', onData);
      stream.once('end', () => finish());
      stream.once('close', () => finish());
      stream.once('error', (error: Error) => finish(error));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private handleLine(line: string): void {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      this.log.debug(`[events] ignored a line that is not JSON (${line.length} characters)`);
      return;
    }

    const event = toContainerEvent(raw);
    if (event === undefined) return;
    this.lastTime = Math.max(this.lastTime ?? 0, event.time);
    if (IGNORED_ACTIONS.test(event.action)) return;
    this.event.fire(event);
  }

  private listenerFailed(error: unknown): void {
    this.log.error(`[events] a listener failed: ${String(error)}`);
  }
}

function toContainerEvent(raw: unknown): ContainerEvent | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as {
    Type?: unknown;
    Action?: unknown;
    Actor?: { ID?: unknown };
    time?: unknown;
    timeNano?: unknown;
  };
  if (e.Type !== 'container' || typeof e.Action !== 'string') return undefined;
  const id = e.Actor?.ID;
  if (typeof id !== 'string' || id === '') return undefined;

  const time = typeof e.timeNano === 'number' ? e.timeNano / 1e9
    : typeof e.time === 'number' ? e.time : Date.now() / 1000;
  return { id, action: e.Action, time };
}

// The engine reads `since` as seconds with an optional fraction. A resumed stream replays
// the last event's instant too, which is harmless: events are hints.
function formatSince(seconds: number): string {
  return seconds.toFixed(3);
}
