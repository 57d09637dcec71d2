// Runs the extension test suite in desktop VS Code (Electron) through @vscode/test-electron, for
// developers' machines. It downloads VS Code into .vscode-test/ on first use, so it cannot run on
// the project's build machines, which reach no download server: there, and in CI, use
// runExtensionTests.ts (code-server in headless Chromium), which runs the same bundled suite.
//
//   tsx scripts/vscode/runElectronTests.ts --extension <abs dir> --tests <abs index.js>
//     [--workspace DIR] [--env KEY=VALUE ...] [--vscode-version 1.100.3]
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { RESULT_FILE_ENV, type ExtensionTestCounts } from '../../test/extension/index';
import { parseEnvPairs } from './codeServer';

/** The VS Code the extension is built against (engines.vscode ^1.100.0), as code-server 4.100.3. */
export const DEFAULT_VSCODE_VERSION = '1.100.3';

/** What to run in desktop VS Code; paths are made absolute. */
export interface RunElectronTestsOptions {
  extensionPath: string;
  testsPath: string;
  /** Folder VS Code opens; a private empty one when absent. */
  workspace?: string;
  /** Added to the extension host's environment, e.g. DOCKER_HOST. */
  env?: Record<string, string>;
  vscodeVersion?: string;
}

/** VS Code's exit code, and mocha's counts when the suite got as far as reporting them. */
export interface ElectronTestsResult {
  exitCode: number;
  counts: ExtensionTestCounts | undefined;
}

/** Downloads VS Code if needed, runs the suite in it and reports how it ended. */
export async function runElectronTests(
  options: RunElectronTestsOptions,
): Promise<ElectronTestsResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'stevedore-electron-tests-'));
  const resultFile = join(scratch, 'result.json');
  const workspace = resolve(options.workspace ?? join(scratch, 'workspace'));
  mkdirSync(workspace, { recursive: true });

  // Electron's extension host writes straight to this process's stdout, where the counts line
  // would be mixed with everything else: index.ts also writes them to this file.
  let exitCode: number;
  try {
    exitCode = await runTests({
      version: options.vscodeVersion ?? DEFAULT_VSCODE_VERSION,
      extensionDevelopmentPath: resolve(options.extensionPath),
      extensionTestsPath: resolve(options.testsPath),
      extensionTestsEnv: { ...options.env, [RESULT_FILE_ENV]: resultFile },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } catch (error) {
    if (!(error instanceof TestRunFailedError)) {
      rmSync(scratch, { recursive: true, force: true });
      throw error;
    }
    exitCode = error.code ?? 1;
  }

  const counts = readCounts(resultFile);
  rmSync(scratch, { recursive: true, force: true });
  return { exitCode, counts };
}

function readCounts(file: string): ExtensionTestCounts | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ExtensionTestCounts;
  } catch {
    // No file: the suite never reached its end (it failed to load, or VS Code did not start).
    return undefined;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      tests: { type: 'string' },
      workspace: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      'vscode-version': { type: 'string', default: DEFAULT_VSCODE_VERSION },
    },
  });
  if (values.extension === undefined || values.tests === undefined) {
    throw new Error('Expected --extension <abs dir> and --tests <abs path to index.js>');
  }

  const result = await runElectronTests({
    extensionPath: values.extension,
    testsPath: values.tests,
    workspace: values.workspace,
    env: parseEnvPairs(values.env),
    vscodeVersion: values['vscode-version'],
  });

  if (result.counts === undefined) {
    process.stderr.write('extension tests: the suite reported no counts (it did not run)\n');
    return result.exitCode === 0 ? 1 : result.exitCode;
  }
  const { passes, failures, pending } = result.counts;
  const skipped = pending > 0 ? `, ${pending} skipped` : '';
  process.stdout.write(`${passes} passed, ${failures} failed${skipped}\n`);
  return result.exitCode;
}

// tsx loads these scripts as CommonJS (package.json has no "type"), so this tells a CLI run
// from an import by another script.
if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`extension tests: ${error instanceof Error ? error.message : error}\n`);
      process.exit(1);
    },
  );
}
