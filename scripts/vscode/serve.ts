// Serves a real VS Code (code-server) with the extension installed, for a person to try it in a
// browser; it runs until Ctrl-C.
//
//   tsx scripts/vscode/serve.ts --extension DIR [--workspace DIR] [--port N] [--env K=V ...]
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnvPairs, startCodeServer, type CodeServer } from './codeServer';

/** What to serve: the extension folder (with its built main), and where the editor opens. */
export interface ServeOptions {
  extensionPath: string;
  /** Folder the workbench opens; default the current directory. */
  workspace?: string;
  port?: number;
  /** Added to the extension host's environment, e.g. DOCKER_HOST. */
  env?: Record<string, string>;
}

/** A served editor: open `url` in a browser; stop() ends code-server and removes its files. */
export interface Served {
  url: string;
  server: CodeServer;
  stop(): Promise<void>;
}

interface Manifest {
  publisher: string;
  name: string;
  version: string;
  main?: string;
}

/**
 * Starts code-server with the extension installed as a symlink in a private extensions folder,
 * so it loads like an installed extension (no .vsix, no "Extension Development Host" window);
 * a rebuilt dist/ is loaded by "Developer: Reload Window".
 */
export async function serve(options: ServeOptions): Promise<Served> {
  const extensionPath = resolve(options.extensionPath);
  const manifest = readManifest(extensionPath);
  const workspace = resolve(options.workspace ?? '.');

  // VS Code finds installed extensions by the folder name publisher.name-version.
  const extensionsDir = mkdtempSync(join(tmpdir(), 'stevedore-serve-extensions-'));
  const removeExtensionsDir = (): void => rmSync(extensionsDir, { recursive: true, force: true });
  process.on('exit', removeExtensionsDir);
  const folder = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
  symlinkSync(extensionPath, join(extensionsDir, folder), 'dir');

  let server: CodeServer;
  try {
    server = await startCodeServer({
      workspace,
      extensionsDir,
      env: options.env ?? {},
      port: options.port,
    });
  } catch (error) {
    removeExtensionsDir();
    throw error;
  }

  const url = `${server.url}/?${new URLSearchParams({ folder: workspace }).toString()}`;
  const stop = async (): Promise<void> => {
    await server.stop();
    removeExtensionsDir();
    process.off('exit', removeExtensionsDir);
  };
  return { url, server, stop };
}

function readManifest(extensionPath: string): Manifest {
  const file = join(extensionPath, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
  const { publisher, name, version, main } = manifest;
  if (typeof publisher !== 'string' || typeof name !== 'string' || typeof version !== 'string') {
    throw new Error(`Expected ${file} to name a publisher, name and version`);
  }

  // Without its built main the extension would be listed but fail to activate, silently.
  if (main !== undefined) {
    const entry = resolve(extensionPath, main);
    if (!existsSync(entry) && !existsSync(`${entry}.js`)) {
      throw new Error(`The extension's main ${entry} does not exist: build it first ` +
        '(npm run build)');
    }
  }
  return { publisher, name, version, ...(main === undefined ? {} : { main }) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      workspace: { type: 'string' },
      port: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  if (values.extension === undefined) {
    throw new Error('Expected --extension DIR (the folder holding the extension package.json)');
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new Error(`Expected --port to be a TCP port number, got ${values.port}`);
  }

  const served = await serve({
    extensionPath: values.extension,
    workspace: values.workspace,
    port,
    env: parseEnvPairs(values.env),
  });
  process.stdout.write('VS Code (code-server) is serving the extension at:\n\n' +
    `  ${served.url}\n\nPress Ctrl-C to stop.\n`);

  let stopping = false;
  const signalled = new Promise<number>((done) => {
    const onSignal = (): void => {
      stopping = true;
      done(0);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const crashed = served.server.exited.then(() => {
    if (!stopping) {
      process.stderr.write(`code-server stopped on its own:\n${served.server.output()}\n`);
    }
    return 1;
  });
  const code = await Promise.race([signalled, crashed]);

  await served.stop();
  return code;
}

// tsx loads these scripts as CommonJS (package.json has no "type"), so this tells a CLI run
// from an import by another script.
if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`serve: ${error instanceof Error ? error.message : error}\n`);
      process.exit(1);
    },
  );
}
