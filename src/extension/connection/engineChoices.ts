import { listDockerContexts } from '../../engine/docker/dockerContext';
import { type EngineLocation, locateEngine } from '../../engine/docker/locateEngine';
import { resolveEndpoint } from '../../engine/docker/resolveEndpoint';
import type { StevedoreSettings } from '../settings/stevedoreSettings';

/** The id of the engine chosen by `stevedore.engine.host`, DOCKER_HOST or the context. */
export const DEFAULT_ENGINE_ID = 'default';

/** An engine the user may turn on: the default one, a docker context, or a listed host. */
export interface EngineChoice {
  /** Stable across sessions, so a remembered choice finds it again. */
  readonly id: string;
  /** What the tree and messages call it. */
  readonly name: string;
  /** Where it was found, for the picker and for problems: "docker context \"ci\"". */
  readonly origin: string;
  /** The address as written, such as `tcp://build-1:2376`; unknown for the default. */
  readonly address?: string;
  /** Resolves the address; throws EndpointError when it cannot be used. */
  locate(): Promise<EngineLocation>;
}

/** What the engines come from; defaults are the process's own. */
export interface EngineChoiceSources {
  readonly env?: NodeJS.ProcessEnv;
  /** The docker CLI's config folder. */
  readonly configDir?: string;
}

/** The choices, and one sentence per docker context that could not be read. */
export interface EngineChoices {
  readonly choices: readonly EngineChoice[];
  readonly problems: readonly string[];
}

/**
 * Every engine Stevedore can offer: first the default (what a single-engine Stevedore
 * uses), then every docker CLI context, then `stevedore.engine.hosts`. Two choices may
 * name the same address; the session keeps the first of them.
 */
export async function listEngineChoices(
  settings: StevedoreSettings,
  sources: EngineChoiceSources = {},
): Promise<EngineChoices> {
  const env = sources.env ?? process.env;
  const choices: EngineChoice[] = [{
    id: DEFAULT_ENGINE_ID,
    name: 'Default engine',
    origin: settings.engineHost !== undefined ? 'stevedore.engine.host'
      : env.DOCKER_HOST?.trim() ? 'DOCKER_HOST' : 'the current docker context or default socket',
    ...(settings.engineHost === undefined ? {} : { address: settings.engineHost }),
    locate: () => locateEngine({ host: settings.engineHost, env, configDir: sources.configDir }),
  }];

  const listed = await listDockerContexts({ env, configDir: sources.configDir });
  for (const context of listed.contexts) {
    choices.push({
      id: `context:${context.name}`,
      name: context.name,
      origin: `docker context "${context.name}"`,
      address: context.host,
      locate: async () => ({
        endpoint: resolveEndpoint({
          host: context.host,
          env,
          ...(context.tlsDir === undefined
            ? {}
            : { certPath: context.tlsDir, tlsVerify: !context.skipTlsVerify }),
        }),
        source: 'context',
        contextName: context.name,
      }),
    });
  }

  for (const host of settings.engineHosts) {
    choices.push({
      id: `host:${host.host}`,
      name: host.name ?? host.host,
      origin: 'stevedore.engine.hosts',
      address: host.host,
      locate: async () => ({
        endpoint: resolveEndpoint({
          host: host.host,
          env,
          ...(host.tlsVerify === undefined ? {} : { tlsVerify: host.tlsVerify }),
          ...(host.certPath === undefined ? {} : { certPath: host.certPath }),
        }),
        source: 'setting',
      }),
    });
  }
  return { choices, problems: listed.problems };
}

/**
 * The choices to use for remembered ids: those still offered, in the order offered; the
 * default alone when none of them is (nothing remembered, or all gone since).
 */
export function activeChoices(
  choices: readonly EngineChoice[],
  remembered: readonly string[] | undefined,
): EngineChoice[] {
  const wanted = new Set(remembered ?? []);
  const active = choices.filter((choice) => wanted.has(choice.id));
  return active.length > 0 ? active : choices.filter((c) => c.id === DEFAULT_ENGINE_ID);
}
