import type Dockerode from 'dockerode';

import { ContainerEvents } from '../../engine/docker/containerEvents';
import { DockerAdapter } from '../../engine/docker/dockerAdapter';
import type { EngineLocation } from '../../engine/docker/locateEngine';
import type { HistoryStore } from '../../engine/history/historyStore';
import { FINAL_OPERATION_STATUSES } from '../../engine/model/operation';
import { BulkEngine } from '../../engine/operation/bulkEngine';
import type { LimitMemory } from '../../engine/queue/limitMemory';
import type { Logger } from '../../engine/util/logger';
import { CombinedContainers } from '../tree/combinedContainers';
import { LiveContainers } from '../tree/liveContainers';

/** One engine to open, with the name the user knows it by and where it was configured. */
export interface SessionEngine {
  readonly location: EngineLocation;
  /** What the tree and messages call it, such as a docker context's name. */
  readonly name: string;
  /** Where it was configured, for messages: "docker context \"ci\"", "DOCKER_HOST". */
  readonly origin?: string;
}

/**
 * One engine of a session: its adapter, its own event stream and its own live list, so it
 * reconnects and re-lists on its own whatever the other engines do.
 */
export class SessionHost {
  readonly adapter: DockerAdapter;
  readonly events: ContainerEvents;
  readonly containers: LiveContainers;

  constructor(readonly engine: SessionEngine, log: Logger) {
    this.adapter = new DockerAdapter({ endpoint: engine.location.endpoint });
    const client = this.adapter.client;
    this.events = new ContainerEvents({
      // dockerode's typings lack `abortSignal`, which its modem reads from the options.
      getEvents: (options) => client.getEvents(options as Dockerode.GetEventsOptions),
    }, { log });
    this.containers = new LiveContainers(this.adapter, this.events, { log });
  }

  /** The engine's name as containers carry it in `host`: its address. */
  get hostName(): string {
    return this.adapter.hostName;
  }

  get location(): EngineLocation {
    return this.engine.location;
  }

  dispose(): void {
    this.events.dispose();
    this.containers.dispose();
  }
}

/**
 * Everything that talks to the active engines: one host (adapter, event stream, live
 * list) per engine, one bulk engine over all of them, so an operation may span engines,
 * and their lists read as one. A changed set of engines means a new session; nothing
 * here knows VS Code.
 */
export class EngineSession {
  readonly hosts: readonly SessionHost[];
  readonly engine: BulkEngine;
  readonly containers: CombinedContainers;
  private readonly subscriptions: { dispose(): void }[] = [];

  /** `engines` must be at least one, with distinct addresses. */
  constructor(
    engines: readonly SessionEngine[],
    history: HistoryStore,
    readonly limits: LimitMemory,
    log: Logger,
  ) {
    if (engines.length === 0) throw new Error('Expected at least one engine for a session');
    this.hosts = engines.map((engine) => new SessionHost(engine, log));
    // "auto" concurrency: adaptive limits that start near what worked last time.
    this.engine = new BulkEngine({
      adapters: this.hosts.map((host) => host.adapter),
      history,
      limitMemory: limits,
      log,
    });
    this.containers = new CombinedContainers(this.hosts.map((host) => host.containers));

    // After every bulk operation the lists are refreshed once, whatever events got lost.
    this.subscriptions.push(
      this.engine.onStatus(({ status }) => {
        if (FINAL_OPERATION_STATUSES.has(status)) this.containers.refresh();
      }),
    );
  }

  /** The first engine's location: the only one when a single engine is active. */
  get location(): EngineLocation {
    return this.hosts[0]!.location;
  }

  /** The first engine's name as containers carry it in `host`. */
  get hostName(): string {
    return this.hosts[0]!.hostName;
  }

  /** The engines' addresses, in the order they were chosen; identifies the session. */
  get hostNames(): string[] {
    return this.hosts.map((host) => host.hostName);
  }

  /** The host of an engine name as containers carry it, if it is one of this session's. */
  host(hostName: string): SessionHost | undefined {
    return this.hosts.find((host) => host.hostName === hostName);
  }

  /** Opens every event stream and lists every engine once. */
  start(): void {
    for (const host of this.hosts) {
      host.events.start();
      host.containers.refresh();
    }
  }

  /** True while an operation of this session is queued, running or waiting for a decision. */
  hasActiveOperations(): boolean {
    return this.engine.list().some((r) => !FINAL_OPERATION_STATUSES.has(r.status));
  }

  /** Closes the streams, stops listing and disposes the engine (which cancels what runs). */
  async dispose(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.containers.dispose();
    for (const host of this.hosts) host.dispose();
    await this.engine.dispose();
  }
}
