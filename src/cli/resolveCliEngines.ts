import { readDockerContextByName } from '../engine/docker/dockerContext';
import { locateEngine } from '../engine/docker/locateEngine';
import { type EngineEndpoint, resolveEndpoint } from '../engine/docker/resolveEndpoint';
import { UsageError } from './cliArgs';

/** One engine the command line asked for, with the name its containers will carry. */
export interface CliEngine {
  /** The `--host` address as written, the context's name, or the default engine's address. */
  readonly hostName: string;
  readonly endpoint: EngineEndpoint;
}

/** What picks the engines: the repeated options, and where the docker CLI's files are. */
export interface CliEngineSources {
  readonly hosts: readonly string[];
  readonly contexts: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Turns `--host` and `--context` into engines, hosts first, each in the order given. With
 * neither, the one engine the docker CLI would use: DOCKER_HOST, else its current context,
 * else the default socket. Throws UsageError when two of them reach the same address, since
 * listing one engine twice would plan every container on it twice.
 */
export async function resolveCliEngines(sources: CliEngineSources): Promise<CliEngine[]> {
  const { env } = sources;
  if (sources.hosts.length === 0 && sources.contexts.length === 0) {
    const { endpoint } = await locateEngine({ env });
    return [{ hostName: endpoint.label, endpoint }];
  }

  const engines: CliEngine[] = sources.hosts.map((host) => {
    const endpoint = resolveEndpoint({ host, env });
    return { hostName: endpoint.label, endpoint };
  });
  for (const name of sources.contexts) {
    const context = await readDockerContextByName(name, { env });
    // The docker CLI's "default" context is DOCKER_HOST, else the default socket.
    const endpoint = context === undefined
      ? resolveEndpoint({ env })
      : resolveEndpoint({
          host: context.host,
          env,
          ...(context.tlsDir === undefined
            ? {}
            : { certPath: context.tlsDir, tlsVerify: !context.skipTlsVerify }),
        });
    engines.push({ hostName: name, endpoint });
  }

  const seen = new Map<string, string>();
  for (const engine of engines) {
    const earlier = seen.get(engine.endpoint.label);
    if (earlier !== undefined) {
      throw new UsageError(
        `"${earlier}" and "${engine.hostName}" are the same engine ` +
          `(${engine.endpoint.label}); name each engine once`,
      );
    }
    seen.set(engine.endpoint.label, engine.hostName);
  }
  return engines;
}
