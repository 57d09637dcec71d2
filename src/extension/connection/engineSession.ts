import type Dockerode from 'dockerode';

import { ContainerEvents } from '../../engine/docker/containerEvents';
import { DockerAdapter } from '../../engine/docker/dockerAdapter';
import type { EngineLocation } from '../../engine/docker/locateEngine';
import type { HistoryStore } from '../../engine/history/historyStore';
import { FINAL_OPERATION_STATUSES } from '../../engine/model/operation';
import { BulkEngine } from '../../engine/operation/bulkEngine';
import type { LimitMemory } from '../../engine/queue/limitMemory';
import type { Logger } from '../../engine/util/logger';
import { LiveContainers } from '../tree/liveContainers';

/**
 * Everything that talks to one engine: the adapter, the bulk engine on it, its event
 * stream and the live container list that stream keeps fresh. A new engine address means
 * a new session; nothing here knows VS Code.
 */
export class EngineSession {
  readonly adapter: DockerAdapter;
  readonly engine: BulkEngine;
  readonly events: ContainerEvents;
  readonly containers: LiveContainers;
  private readonly subscriptions: { dispose(): void }[] = [];

  constructor(
    readonly location: EngineLocation,
    history: HistoryStore,
    readonly limits: LimitMemory,
    log: Logger,
  ) {
    this.adapter = new DockerAdapter({ endpoint: location.endpoint });
    // "auto" concurrency: adaptive limits that start near what worked last time.
    this.engine = new BulkEngine({ adapters: [this.adapter], history, limitMemory: limits, log });
    const client = this.adapter.client;
    this.events = new ContainerEvents({
      // dockerode's typings lack `abortSignal`, which its modem reads from the options.
      getEvents: (options) => client.getEvents(options as Dockerode.GetEventsOptions),
    }, { log });
    this.containers = new LiveContainers(this.adapter, this.events, { log });

    // After every bulk operation the list is refreshed once, whatever events got lost.
    this.subscriptions.push(
      this.engine.onStatus(({ status }) => {
        if (FINAL_OPERATION_STATUSES.has(status)) this.containers.refresh();
      }),
    );
  }

  /** The engine's name as containers carry it in `host`. */
  get hostName(): string {
    return this.adapter.hostName;
  }

  /** Opens the event stream and lists the containers once. */
  start(): void {
    this.events.start();
    this.containers.refresh();
  }

  /** True while an operation of this session is queued, running or waiting for a decision. */
  hasActiveOperations(): boolean {
    return this.engine.list().some((r) => !FINAL_OPERATION_STATUSES.has(r.status));
  }

  /** Closes the stream, stops listing and disposes the engine (which cancels what runs). */
  async dispose(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.events.dispose();
    this.containers.dispose();
    await this.engine.dispose();
  }
}
