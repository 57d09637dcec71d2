import Dockerode from 'dockerode';

import type { ContainerState, ContainerSummary } from '../model/container';
import { CONTAINER_STATES } from '../model/container';
import { withDeadline } from '../util/deadline';
import { DEFAULT_DEADLINES, type EngineDeadlines } from './engineDeadlines';
import { toEngineError } from './engineErrors';
import type { ContainerEngine } from './containerEngine';
import { type EngineEndpoint, EndpointError } from './resolveEndpoint';

/** What `inspect` tells about a container: enough to verify an action took effect. */
export interface ContainerInspection {
  readonly id: string;
  readonly name: string;
  readonly state: ContainerState;
  readonly startedAt?: string;
}

/** Options for building an adapter. */
export interface DockerAdapterOptions {
  readonly endpoint: EngineEndpoint;
  /** The name containers of this engine carry in `ContainerSummary.host`. */
  readonly hostName?: string;
  readonly deadlines?: Partial<EngineDeadlines>;
}

/**
 * The one door to a Docker engine. Every call takes an AbortSignal and has a deadline, and
 * every failure comes out as a typed error from `engineErrors.ts`. A 304 is thrown as
 * `NotModifiedError`, which callers count as "needed nothing".
 */
export class DockerAdapter implements ContainerEngine {
  readonly hostName: string;
  readonly endpoint: EngineEndpoint;
  private readonly docker: Dockerode;
  private readonly deadlines: EngineDeadlines;

  constructor(options: DockerAdapterOptions) {
    this.endpoint = options.endpoint;
    this.hostName = options.hostName ?? options.endpoint.label;
    this.deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
    try {
      this.docker = new Dockerode(toDockerodeOptions(options.endpoint));
    } catch (error) {
      // docker-modem reads DOCKER_HOST and DOCKER_CERT_PATH itself, whatever endpoint it is
      // given, and throws when a file named there is missing: say so instead of crashing.
      throw new EndpointError(
        'Cannot use the Docker settings in the environment (DOCKER_HOST, DOCKER_CERT_PATH): ' +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
  }

  /** The underlying client, for the event stream and for test harnesses. */
  get client(): Dockerode {
    return this.docker;
  }

  /** Resolves when the engine answers `/_ping`; throws a typed error otherwise. */
  async ping(signal: AbortSignal): Promise<void> {
    await this.call('ping', this.deadlines.ping, signal, (s) =>
      // The typings omit ping's options, but dockerode reads `abortSignal` from them.
      (this.docker.ping as (opts: object) => Promise<unknown>).call(this.docker, {
        abortSignal: s,
      }),
    );
  }

  /** Every container, in any state; never asks for sizes, which cost the engine dearly. */
  async list(signal: AbortSignal): Promise<ContainerSummary[]> {
    const raw = await this.call('list containers', this.deadlines.list, signal, (s) =>
      this.docker.listContainers({ all: true, abortSignal: s } as Dockerode.ContainerListOptions),
    );
    return raw.map((info) => toContainerSummary(info, this.hostName));
  }

  async inspect(id: string, signal: AbortSignal): Promise<ContainerInspection> {
    const info = await this.call(`inspect ${id}`, this.deadlines.inspect, signal, (s) =>
      this.docker.getContainer(id).inspect({ abortSignal: s } as object),
    );
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      state: readState(info.State),
      startedAt: info.State.StartedAt,
    };
  }

  async start(id: string, signal: AbortSignal): Promise<void> {
    await this.call(`start ${id}`, this.deadlines.start, signal, (s) =>
      this.docker.getContainer(id).start({ abortSignal: s } as object),
    );
  }

  /** Stops with a grace period, after which the engine kills the container. */
  async stop(id: string, graceSeconds: number, signal: AbortSignal): Promise<void> {
    const ms = this.deadlines.stop + graceSeconds * 1000;
    await this.call(`stop ${id}`, ms, signal, (s) =>
      this.docker.getContainer(id).stop({ t: graceSeconds, abortSignal: s } as object),
    );
  }

  async restart(id: string, graceSeconds: number, signal: AbortSignal): Promise<void> {
    const ms = this.deadlines.restart + graceSeconds * 1000;
    await this.call(`restart ${id}`, ms, signal, (s) =>
      this.docker.getContainer(id).restart({ t: graceSeconds, abortSignal: s } as object),
    );
  }

  async kill(id: string, killSignal: string, signal: AbortSignal): Promise<void> {
    await this.call(`kill ${id}`, this.deadlines.kill, signal, (s) =>
      this.docker.getContainer(id).kill({ signal: killSignal, abortSignal: s } as object),
    );
  }

  async pause(id: string, signal: AbortSignal): Promise<void> {
    await this.call(`pause ${id}`, this.deadlines.pause, signal, (s) =>
      this.docker.getContainer(id).pause({ abortSignal: s } as object),
    );
  }

  async unpause(id: string, signal: AbortSignal): Promise<void> {
    await this.call(`unpause ${id}`, this.deadlines.unpause, signal, (s) =>
      this.docker.getContainer(id).unpause({ abortSignal: s } as object),
    );
  }

  async remove(
    id: string,
    options: { force?: boolean; volumes?: boolean },
    signal: AbortSignal,
  ): Promise<void> {
    const query = { force: options.force ?? false, v: options.volumes ?? false };
    await this.call(`remove ${id}`, this.deadlines.remove, signal, (s) =>
      this.docker.getContainer(id).remove({ ...query, abortSignal: s } as object),
    );
  }

  private async call<T>(
    what: string,
    ms: number,
    signal: AbortSignal,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    let deadlineSignal: AbortSignal | undefined;
    try {
      return await withDeadline(signal, ms, (s) => {
        deadlineSignal = s;
        return fn(s);
      });
    } catch (error) {
      throw toEngineError(error, what, deadlineSignal);
    }
  }
}

// docker-modem starts from defaults it reads from DOCKER_HOST and DOCKER_CERT_PATH, and a
// host among them wins over a socket path given here: with DOCKER_HOST=tcp://... set, a unix
// endpoint from a setting, a context or --host would reach that host instead. So every field
// it would take from the environment is stated, the unused ones as undefined.
const NO_ENVIRONMENT: Dockerode.DockerOptions = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  protocol: undefined,
  username: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
};

function toDockerodeOptions(endpoint: EngineEndpoint): Dockerode.DockerOptions {
  return { ...NO_ENVIRONMENT, ...endpointOptions(endpoint) };
}

function endpointOptions(endpoint: EngineEndpoint): Dockerode.DockerOptions {
  switch (endpoint.kind) {
    case 'unix':
      return { socketPath: endpoint.socketPath };
    case 'tcp':
      return endpoint.tls
        ? {
            protocol: 'https',
            host: endpoint.host,
            port: endpoint.port,
            ca: endpoint.tls.ca,
            cert: endpoint.tls.cert,
            key: endpoint.tls.key,
          }
        : { protocol: 'http', host: endpoint.host, port: endpoint.port };
    case 'ssh':
      return {
        protocol: 'ssh',
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.username,
        // As the docker CLI does, log in with the keys of the user's ssh agent; without one
        // dockerode's ssh client has no key to offer.
        sshOptions: endpoint.agentSocket ? { agent: endpoint.agentSocket } : {},
      };
  }
}

const KNOWN_STATES: ReadonlySet<string> = new Set(CONTAINER_STATES);

/** Reduces the engine's list entry to what Stevedore uses. */
export function toContainerSummary(
  info: Dockerode.ContainerInfo,
  host: string,
): ContainerSummary {
  const state = KNOWN_STATES.has(info.State)
    ? (info.State as ContainerState)
    : 'dead';
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? info.Id.slice(0, 12)).replace(/^\//, ''),
    image: info.Image,
    state,
    status: info.Status,
    labels: info.Labels ?? {},
    createdMs: info.Created * 1000,
    host,
  };
}

function readState(state: Dockerode.ContainerInspectInfo['State']): ContainerState {
  if (state.Paused) return 'paused';
  if (state.Restarting) return 'restarting';
  if (state.Running) return 'running';
  const status = state.Status as ContainerState;
  return KNOWN_STATES.has(status) ? status : 'dead';
}
