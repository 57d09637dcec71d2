import { readDockerContext } from './dockerContext';
import { type EngineEndpoint, resolveEndpoint } from './resolveEndpoint';

/** Where the engine address came from, so a message can say what to change. */
export type EngineSource = 'setting' | 'DOCKER_HOST' | 'context' | 'default';

/** The engine to talk to, and why that one. */
export interface EngineLocation {
  readonly endpoint: EngineEndpoint;
  readonly source: EngineSource;
  /** The docker context's name when the address came from one. */
  readonly contextName?: string;
}

/** What locating reads; defaults are the process's own. */
export interface LocateEngineSources {
  /** An explicit address (a setting), which wins over everything else. */
  readonly host?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The docker CLI's config folder, for its current context. */
  readonly configDir?: string;
}

/**
 * Picks the engine the way the docker CLI would, after an explicit address: the address
 * given, else `DOCKER_HOST`, else the CLI's current context, else the default socket.
 * Throws EndpointError for an address or a context that cannot be used.
 */
export async function locateEngine(sources: LocateEngineSources = {}): Promise<EngineLocation> {
  const env = sources.env ?? process.env;
  const host = sources.host?.trim();
  if (host) {
    return { endpoint: resolveEndpoint({ host, env }), source: 'setting' };
  }
  if (env.DOCKER_HOST?.trim()) {
    return { endpoint: resolveEndpoint({ env }), source: 'DOCKER_HOST' };
  }

  const context = await readDockerContext({ env, configDir: sources.configDir });
  if (context !== undefined) {
    const endpoint = resolveEndpoint({
      host: context.host,
      env,
      ...(context.tlsDir === undefined
        ? {}
        : { certPath: context.tlsDir, tlsVerify: !context.skipTlsVerify }),
    });
    return { endpoint, source: 'context', contextName: context.name };
  }
  return { endpoint: resolveEndpoint({ env: { ...env, DOCKER_HOST: '' } }), source: 'default' };
}
