import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** TLS material for a tcp endpoint, read from files; never logged. */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** False only when the user explicitly turned verification off. */
  readonly verify: boolean;
}

/** Where an engine listens, resolved from options, the environment or the default socket. */
export type EngineEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly label: string }
  | {
      readonly kind: 'tcp';
      readonly host: string;
      readonly port: number;
      readonly tls?: TlsMaterial;
      readonly label: string;
    }
  | {
      readonly kind: 'ssh';
      readonly host: string;
      readonly port: number;
      readonly username?: string;
      /** The ssh agent's socket (`SSH_AUTH_SOCK`): the keys dockerode's ssh client offers. */
      readonly agentSocket?: string;
      readonly label: string;
    };

/** A bad endpoint setting, with the value and what was expected. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** The inputs endpoint resolution reads; defaults are the process's own. */
export interface EndpointSources {
  /** An explicit endpoint (a setting or `--host`), which wins over everything. */
  readonly host?: string;
  /** TLS files for an explicit tcp host; `DOCKER_CERT_PATH` applies otherwise. */
  readonly tlsVerify?: boolean;
  readonly certPath?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Resolves the engine endpoint: an explicit host first, else `DOCKER_HOST` (with
 * `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` for tcp), else the default unix socket.
 */
export function resolveEndpoint(sources: EndpointSources = {}): EngineEndpoint {
  const env = sources.env ?? process.env;
  const explicit = sources.host?.trim();
  const fromEnv = env.DOCKER_HOST?.trim();
  const url = explicit || fromEnv || `unix://${DEFAULT_SOCKET}`;
  const tlsVerify = explicit ? sources.tlsVerify : parseTlsVerify(env.DOCKER_TLS_VERIFY);
  const certPath = (explicit ? sources.certPath : undefined) ?? env.DOCKER_CERT_PATH;

  return parseEndpoint(url, { tlsVerify, certPath, sshAgent: env.SSH_AUTH_SOCK || undefined });
}

/** Parses one endpoint URL such as `unix:///run/docker.sock` or `tcp://host:2376`. */
export function parseEndpoint(
  url: string,
  options: { tlsVerify?: boolean; certPath?: string; sshAgent?: string } = {},
): EngineEndpoint {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) {
      throw new EndpointError(`Expected an absolute socket path in "${url}"`);
    }
    return { kind: 'unix', socketPath, label: url };
  }
  if (url.startsWith('/')) {
    return { kind: 'unix', socketPath: url, label: `unix://${url}` };
  }

  let parsed: URL;
  try {
    parsed = new URL(url.startsWith('tcp://') ? `http://${url.slice(6)}` : url);
  } catch {
    throw new EndpointError(
      `Expected an engine address like unix:///var/run/docker.sock or tcp://host:2376, ` +
        `got "${url}"`,
    );
  }

  if (parsed.protocol === 'ssh:') {
    return {
      kind: 'ssh',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 22,
      username: parsed.username || undefined,
      ...(options.sshAgent ? { agentSocket: options.sshAgent } : {}),
      label: url,
    };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EndpointError(`Expected unix://, tcp:// or ssh:// in "${url}"`);
  }

  // As the docker CLI does: TLS when verification is asked for or the scheme says so;
  // DOCKER_CERT_PATH alone only says where the files are.
  const wantsTls = options.tlsVerify === true || parsed.protocol === 'https:';
  const tls = wantsTls ? readTls(options.certPath, options.tlsVerify !== false) : undefined;
  const port = parsed.port ? Number(parsed.port) : tls ? 2376 : 2375;
  return { kind: 'tcp', host: parsed.hostname, port, tls, label: url };
}

/** The docker CLI turns verification on for any non-empty DOCKER_TLS_VERIFY, "0" too. */
function parseTlsVerify(value: string | undefined): boolean | undefined {
  return value === undefined || value === '' ? undefined : true;
}

function readTls(certPath: string | undefined, verify: boolean): TlsMaterial {
  const dir = certPath ?? join(homedir(), '.docker');
  const read = (file: string): Buffer | undefined => {
    try {
      return readFileSync(join(dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new EndpointError(`Cannot read TLS file ${join(dir, file)}: ${String(error)}`);
    }
  };

  const material = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify };
  if (verify && !material.ca) {
    throw new EndpointError(`TLS verification needs ${join(dir, 'ca.pem')}, which is missing`);
  }
  return material;
}
