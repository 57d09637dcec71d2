import type { OperationItem } from './operationItem';

/** Which way the waves run: forward as planned, or reversed to undo an operation. */
export type WaveDirection = 'forward' | 'reverse';

interface Chain {
  /** The chain's waves in the order they run, each a list of items. */
  readonly waves: OperationItem[][];
  /** Index in `waves` of the wave now released. */
  current: number;
  /** Items of the current wave not yet done. */
  open: number;
}

/**
 * Hands out one host's items in dependency order. Waves order items within a chain (one
 * compose project): a chain's wave k+1 is released only once every item of its wave k is
 * done. Chains do not wait for one another, so one project's slow tail (a container waiting
 * out its grace period) never leaves the slots of the others idle, as a barrier across the
 * whole host would. Released items come out first in, first out; each call costs O(1),
 * releasing a wave costs its size.
 */
export class DependencyQueue {
  private readonly ready: OperationItem[] = [];
  private head = 0;
  private readonly chainOf = new Map<OperationItem, Chain>();

  constructor(items: readonly OperationItem[], direction: WaveDirection = 'forward') {
    const byChain = new Map<number, Map<number, OperationItem[]>>();
    for (const item of items) {
      let waves = byChain.get(item.chain);
      if (!waves) byChain.set(item.chain, (waves = new Map()));
      const list = waves.get(item.wave);
      if (list) list.push(item);
      else waves.set(item.wave, [item]);
    }

    const sign = direction === 'forward' ? 1 : -1;
    for (const waves of byChain.values()) {
      const ordered = [...waves.entries()].sort((a, b) => sign * (a[0] - b[0]));
      const chain: Chain = { waves: ordered.map(([, list]) => list), current: 0, open: 0 };
      for (const list of chain.waves) {
        for (const item of list) this.chainOf.set(item, chain);
      }
    }
    // Every chain's first wave, in the order the items were given, as the plan ordered them.
    for (const item of items) {
      const chain = this.chainOf.get(item)!;
      if (item.wave === chain.waves[0]![0]!.wave) {
        this.ready.push(item);
        chain.open += 1;
      }
    }
  }

  /** The next released item, or undefined when none is released now. */
  next(): OperationItem | undefined {
    if (this.head === this.ready.length) return undefined;
    const item = this.ready[this.head]!;
    this.head += 1;
    // Drop what was handed out now and then, so a long run does not keep it all twice.
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  /** Marks a handed-out item done, whatever its outcome, releasing its chain's next wave. */
  done(item: OperationItem): void {
    const chain = this.chainOf.get(item);
    if (!chain) return;
    this.chainOf.delete(item);
    chain.open -= 1;
    while (chain.open === 0 && chain.current + 1 < chain.waves.length) {
      chain.current += 1;
      const wave = chain.waves[chain.current]!;
      for (const released of wave) this.ready.push(released);
      chain.open = wave.length;
    }
  }

  /** Items released and not yet handed out. */
  get readyCount(): number {
    return this.ready.length - this.head;
  }
}
