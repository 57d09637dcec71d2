/** Something that can be released, such as a listener registration. */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener and returns how to unsubscribe it. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/**
 * A typed event source. A listener that throws is reported to `onListenerError` and never
 * stops the others or the code that fired the event.
 */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  /** The public side: give this out, keep `fire` private. */
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
