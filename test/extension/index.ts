// Entry point that VS Code's extension host loads as `extensionTestsPath`: it runs every bundled
// *.test.js beside it with mocha. Test files use mocha's globals (describe, it) installed here,
// and must not import 'mocha': mocha is bundled into this file only.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Prefix of the line that reports the counts to scripts/vscode/runExtensionTests.ts. */
export const RESULT_MARKER = '[stevedore-extension-tests]';

/**
 * Environment variable naming a file to receive the counts as JSON too, for runners that cannot
 * read the log line (scripts/vscode/runElectronTests.ts).
 */
export const RESULT_FILE_ENV = 'STEVEDORE_EXTENSION_TEST_RESULT_FILE';

/** Environment variable that narrows the run to some files; see `run`. */
export const ONLY_ENV = 'STEVEDORE_EXTENSION_TESTS';

/** Counts carried by the result line, as mocha's runner stats name them. */
export interface ExtensionTestCounts {
  passes: number;
  failures: number;
  pending: number;
}

/** Runs the suite; rejects when a test failed, which VS Code turns into exit code 1. */
export async function run(): Promise<void> {
  // Reporters write through Base.consoleLog with printf-style arguments, and the extension host
  // forwards console.log to the workbench log without applying them ("%s%s"): format here.
  // Colour codes would only garble that log too.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });

  // STEVEDORE_EXTENSION_TESTS, comma-separated parts of paths such as "panel/panelFuzz",
  // runs only the files whose path holds one of them.
  const only = (process.env[ONLY_ENV] ?? '').split(',').filter((part) => part !== '');
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
    .sort();
  if (files.length === 0) {
    throw new Error(`Expected compiled *.test.js files in ${__dirname}` +
      `${only.length > 0 ? ` matching ${only.join(', ')}` : ''}, found none`);
  }
  for (const file of files) {
    mocha.addFile(join(__dirname, file));
  }

  const counts = await new Promise<ExtensionTestCounts>((done, fail) => {
    try {
      const runner = mocha.run(() => {
        const stats = runner.stats;
        done({
          passes: stats?.passes ?? 0,
          failures: stats?.failures ?? 0,
          pending: stats?.pending ?? 0,
        });
      });
    } catch (error) {
      fail(error);
    }
  });
  console.log(`${RESULT_MARKER} ${JSON.stringify(counts)}`);
  const resultFile = process.env[RESULT_FILE_ENV];
  if (resultFile !== undefined && resultFile !== '') {
    writeFileSync(resultFile, JSON.stringify(counts));
  }

  if (counts.failures > 0) {
    throw new Error(`${counts.failures} extension test(s) failed`);
  }
}
