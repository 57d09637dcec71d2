import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { EndpointError } from './resolveEndpoint';

/** The engine a docker CLI context points at, read from the CLI's own files. */
export interface DockerContextEndpoint {
  /** The context's name, as `docker context ls` shows it. */
  readonly name: string;
  /** The engine address, such as `unix:///run/user/1000/docker.sock` or `tcp://h:2376`. */
  readonly host: string;
  /** Folder holding the context's ca.pem, cert.pem and key.pem, when it has one. */
  readonly tlsDir?: string;
  readonly skipTlsVerify: boolean;
}

/** Where to look; defaults are the process's own environment and home folder. */
export interface DockerContextSources {
  readonly env?: NodeJS.ProcessEnv;
  /** The docker CLI's config folder; default `$DOCKER_CONFIG`, else `~/.docker`. */
  readonly configDir?: string;
}

interface ContextMeta {
  readonly Name?: unknown;
  readonly Endpoints?: { readonly docker?: { readonly Host?: unknown; SkipTLSVerify?: unknown } };
}

/** Every context the docker CLI knows, which one is current, and what could not be read. */
export interface DockerContextList {
  /** Sorted by name; "default" is not among them, as the CLI keeps no file for it. */
  readonly contexts: readonly DockerContextEndpoint[];
  /** The chosen context's name, undefined when it is "default" or none is chosen. */
  readonly current?: string;
  /** One sentence per context folder that was left out, saying which file and why. */
  readonly problems: readonly string[];
}

/**
 * Lists every context under `contexts/meta/`, as `docker context ls` would, for choosing
 * several engines at once. A garbled or incomplete context is left out and named in
 * `problems` rather than failing the whole list, since the others are still usable.
 */
export async function listDockerContexts(
  sources: DockerContextSources = {},
): Promise<DockerContextList> {
  const env = sources.env ?? process.env;
  const configDir = sources.configDir ?? (env.DOCKER_CONFIG || join(homedir(), '.docker'));
  const problems: string[] = [];

  let current: string | undefined;
  try {
    current = env.DOCKER_CONTEXT?.trim() || (await readCurrentContext(configDir));
  } catch (error) {
    problems.push((error as Error).message);
  }

  const metaRoot = join(configDir, 'contexts', 'meta');
  let folders: string[];
  try {
    folders = await readdir(metaRoot);
  } catch {
    folders = [];
  }

  const contexts: DockerContextEndpoint[] = [];
  for (const digest of folders) {
    const metaFile = join(metaRoot, digest, 'meta.json');
    try {
      const meta = await readJson<ContextMeta>(metaFile);
      if (meta === undefined) continue;
      if (typeof meta !== 'object' || meta === null) {
        problems.push(`${metaFile} holds no context; it is left out`);
        continue;
      }
      const name = meta.Name;
      const host = meta.Endpoints?.docker?.Host;
      if (typeof name !== 'string' || name === '') {
        problems.push(`The docker context in ${metaFile} has no name; it is left out`);
      } else if (typeof host !== 'string' || host === '') {
        problems.push(`The docker context "${name}" names no engine in ${metaFile}`);
      } else {
        contexts.push(await toEndpoint(configDir, digest, name, meta));
      }
    } catch (error) {
      problems.push(`${(error as Error).message}; that context is left out`);
    }
  }

  contexts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const chosen = current === '' || current === 'default' ? undefined : current;
  return { contexts, ...(chosen === undefined ? {} : { current: chosen }), problems };
}

/**
 * Reads the docker CLI's current context as the CLI does: `DOCKER_CONTEXT`, else
 * `currentContext` in config.json, whose endpoint is in `contexts/meta/<sha256 of name>/`.
 * Undefined when no context other than "default" is chosen; an EndpointError when the chosen
 * one cannot be read, since silently using another engine would be worse.
 */
export async function readDockerContext(
  sources: DockerContextSources = {},
): Promise<DockerContextEndpoint | undefined> {
  const env = sources.env ?? process.env;
  const configDir = sources.configDir ?? (env.DOCKER_CONFIG || join(homedir(), '.docker'));

  const name = env.DOCKER_CONTEXT?.trim() || (await readCurrentContext(configDir));
  if (name === undefined || name === '' || name === 'default') return undefined;

  return readNamedContext(configDir, name, (metaFile) =>
    `The docker context "${name}" is selected, but ${metaFile} does not exist: ` +
      'choose another with `docker context use`');
}

/**
 * Reads the context called `name`, as `docker --context NAME` does. Undefined for "default",
 * which has no file; an EndpointError when no such context exists or it names no engine.
 */
export async function readDockerContextByName(
  name: string,
  sources: DockerContextSources = {},
): Promise<DockerContextEndpoint | undefined> {
  const env = sources.env ?? process.env;
  const configDir = sources.configDir ?? (env.DOCKER_CONFIG || join(homedir(), '.docker'));
  if (name === 'default') return undefined;

  return readNamedContext(configDir, name, (metaFile) =>
    `There is no docker context "${name}" (${metaFile} does not exist); ` +
      '`docker context ls` lists the ones there are');
}

async function readNamedContext(
  configDir: string,
  name: string,
  missing: (metaFile: string) => string,
): Promise<DockerContextEndpoint> {
  const digest = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', digest, 'meta.json');
  const meta = await readJson<ContextMeta>(metaFile);
  if (meta === undefined) throw new EndpointError(missing(metaFile));

  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '') {
    throw new EndpointError(`The docker context "${name}" names no engine in ${metaFile}`);
  }

  return toEndpoint(configDir, digest, name, meta);
}

async function toEndpoint(
  configDir: string,
  digest: string,
  name: string,
  meta: ContextMeta,
): Promise<DockerContextEndpoint> {
  const docker = meta.Endpoints?.docker;
  const tlsDir = join(configDir, 'contexts', 'tls', digest, 'docker');
  return {
    name,
    host: docker?.Host as string,
    ...((await isDirectory(tlsDir)) ? { tlsDir } : {}),
    skipTlsVerify: docker?.SkipTLSVerify === true,
  };
}

async function readCurrentContext(configDir: string): Promise<string | undefined> {
  const config = await readJson<{ currentContext?: unknown }>(join(configDir, 'config.json'));
  const current = config?.currentContext;
  return typeof current === 'string' ? current.trim() : undefined;
}

// A missing file is an answer (no context); a garbled one is the user's to fix, so say where.
async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new EndpointError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new EndpointError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
