import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The tag the harness gives its image unless told otherwise. */
export const DEFAULT_BUSYBOX_REF = 'stevedore/busybox:1';

// The applets the fleet, the demo and ad hoc debugging use; each is a link to busybox.
const APPLETS = [
  'sh', 'sleep', 'true', 'false', 'echo', 'cat', 'ls', 'ps', 'kill', 'env',
  'printf', 'date', 'hostname', 'id', 'mkdir', 'rm', 'touch', 'wc', 'head', 'yes',
];

const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Imports a one-binary busybox image into the engine at `socketPath`, because nothing can be
 * pulled here. Skips the work when `ref` already exists; resolves to `ref`.
 */
export async function importBusyboxImage(
  socketPath: string,
  ref: string = DEFAULT_BUSYBOX_REF,
  signal?: AbortSignal,
): Promise<string> {
  if (await imageExists(socketPath, ref, signal)) {
    return ref;
  }

  const root = await mkdtemp(join(tmpdir(), 'stevedore-rootfs-'));
  try {
    await buildRootfs(root);
    await importTar(socketPath, root, ref, signal);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return ref;
}

async function buildRootfs(root: string): Promise<void> {
  await mkdir(join(root, 'bin'));
  await copyFile('/bin/busybox', join(root, 'bin', 'busybox'));
  for (const applet of APPLETS) {
    await symlink('busybox', join(root, 'bin', applet));
  }

  // Docker mounts over these, but a rootfs without them trips up `sh` and `ps`.
  for (const dir of ['tmp', 'etc', 'proc', 'sys', 'dev']) {
    await mkdir(join(root, dir), { mode: dir === 'tmp' ? 0o1777 : 0o755 });
  }
}

async function imageExists(
  socketPath: string,
  ref: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const { status, body } = await request(socketPath, {
    method: 'GET',
    path: `/images/${encodeURIComponent(ref)}/json`,
    signal: deadline(signal),
  });
  if (status === 200) {
    return true;
  }
  if (status === 404) {
    return false;
  }
  throw new Error(`inspecting image ${ref} answered ${status}: ${body.trim()}`);
}

async function importTar(
  socketPath: string,
  root: string,
  ref: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { repo, tag } = splitRef(ref);
  const query = new URLSearchParams({
    fromSrc: '-',
    repo,
    tag,
    changes: 'CMD ["/bin/sleep","infinity"]',
  });
  const requestSignal = deadline(signal);

  const tar = spawn('tar', ['-C', root, '-c', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: requestSignal,
  });
  let tarStderr = '';
  tar.stderr.setEncoding('utf8').on('data', (chunk: string) => (tarStderr += chunk));
  const tarDone = new Promise<void>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`tar exited with ${code}: ${tarStderr.trim()}`)),
    );
  });

  const reply = request(socketPath, {
    method: 'POST',
    path: `/images/create?${query}`,
    headers: { 'Content-Type': 'application/x-tar' },
    body: tar.stdout,
    signal: requestSignal,
  });
  const [{ status, body }] = await Promise.all([reply, tarDone]);

  if (status !== 200) {
    throw new Error(`importing ${ref} answered ${status}: ${body.trim()}`);
  }
  // The engine answers 200 and reports failures inside the JSON progress stream.
  for (const line of body.split('\n')) {
    const message = parseJsonLine(line);
    if (message?.error !== undefined) {
      throw new Error(`importing ${ref} failed: ${message.error}`);
    }
  }
}

function splitRef(ref: string): { repo: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) {
    return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  }
  return { repo: ref, tag: 'latest' };
}

function parseJsonLine(line: string): { error?: string } | undefined {
  if (line.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(line) as { error?: string };
  } catch {
    return undefined;
  }
}

function deadline(signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: NodeJS.ReadableStream;
  readonly signal: AbortSignal;
}

// A raw request, because the import must stream a tar body and read the reply in full.
function request(
  socketPath: string,
  options: RawRequest,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        method: options.method,
        path: options.path,
        headers: options.headers,
        signal: options.signal,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.once('error', reject);
      },
    );
    req.once('error', reject);

    if (options.body) {
      options.body.pipe(req);
    } else {
      req.end();
    }
  });
}
