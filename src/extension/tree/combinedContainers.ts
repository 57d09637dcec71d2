import type { ContainerSummary } from '../../engine/model/container';
import { Emitter } from '../../engine/util/emitter';
import type { ListOutcome, LiveContainers } from './liveContainers';

/**
 * The live lists of several engines read as one. Each engine keeps listing and
 * reconnecting on its own; the containers here are those of the engines whose last list
 * answered, so an engine that is down drops out of the view and of plans until it answers
 * again, while the others stay. With one engine it reads exactly as that engine's list.
 */
export class CombinedContainers {
  private snapshot: readonly ContainerSummary[] = [];
  private readonly changed = new Emitter<ListOutcome>();
  private readonly subscriptions: { dispose(): void }[];

  /** Fires after any engine's list, with the combined outcome. */
  readonly onDidList = this.changed.event;

  constructor(private readonly lists: readonly LiveContainers[]) {
    this.subscriptions = lists.map((list) => list.onDidList(() => {
      this.combine();
      this.changed.fire(this.outcome());
    }));
  }

  /** The containers of every engine that answered its last list, engine by engine. */
  get containers(): readonly ContainerSummary[] {
    return this.snapshot;
  }

  /** The first engine's error when no engine answered; undefined while one does. */
  get error(): Error | undefined {
    const outcome = this.outcome();
    return outcome.ok ? undefined : outcome.error;
  }

  /** True once every engine has answered or failed at least once. */
  get hasListed(): boolean {
    return this.lists.every((list) => list.hasListed);
  }

  /** Asks every engine for a re-list soon. */
  refresh(): void {
    for (const list of this.lists) list.refresh();
  }

  /** Lists every engine now, together, and resolves with the combined outcome. */
  async refreshNow(): Promise<ListOutcome> {
    await Promise.all(this.lists.map((list) => list.refreshNow()));
    this.combine();
    return this.outcome();
  }

  setVisible(visible: boolean): void {
    for (const list of this.lists) list.setVisible(visible);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }

  private combine(): void {
    const answering = this.lists.filter((list) => list.hasListed && list.error === undefined);
    this.snapshot = answering.length === 1
      ? answering[0]!.containers
      : Object.freeze(answering.flatMap((list) => list.containers));
  }

  // Ok while any engine answers; else the first engine's error, which names its address.
  private outcome(): ListOutcome {
    const failed = this.lists.find((list) => list.error !== undefined);
    const answers = this.lists.some((list) => list.hasListed && list.error === undefined);
    if (answers || failed === undefined) return { ok: true, containers: this.snapshot };
    return { ok: false, error: failed.error! };
  }
}
