/**
 * Lets one loop sleep until something it waits for may have changed: a slot freed, a
 * decision made, the engine back. Cheaper than racing every in-flight promise, which
 * would attach a handler to each of them on every turn.
 */
export class Wakeup {
  private waiter: { promise: Promise<void>; resolve: () => void } | undefined;

  /** Resolves at the next `notify`. */
  wait(): Promise<void> {
    if (!this.waiter) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiter = { promise, resolve };
    }
    return this.waiter.promise;
  }

  notify(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
  }
}
