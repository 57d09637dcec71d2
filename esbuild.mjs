// Bundles every program Stevedore ships: the extension host, the planner worker, the
// command-line interface, the webview page, and the extension test suite that runs inside
// VS Code. `node esbuild.mjs --watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Programs that run in Node: the extension host, its worker, the CLI and the tests. */
const nodeEntries = [
  // Entries are added here as the programs land: { in: 'src/...', out: 'name' }.
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/engine/planner/worker/plannerWorker.ts', out: 'plannerWorker' },
];

/** Pages that run in the webview. */
const browserEntries = [
  // The Operations panel; its stylesheet, imported by main.ts, comes out as panel.css.
  { in: 'webview-ui/src/main.ts', out: 'panel' },
];

/**
 * The extension test suite, bundled on its own into out/test/extension/ because it runs inside
 * VS Code's extension host (code-server here, Electron on a desktop) as plain CommonJS: index.js
 * (with mocha bundled in, so nothing has to be resolvable at run time) plus one file per
 * *.test.ts. The list is read once, so `--watch` picks up new test files only on restart.
 */
const extensionTestEntries = [
  'test/extension/index.ts',
  ...readdirSync('test/extension', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `test/extension/${file}`),
];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const contexts = [];
if (nodeEntries.length > 0) {
  contexts.push(
    await esbuild.context({
      ...common,
      entryPoints: nodeEntries,
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // vscode is provided by the editor; ssh2's optional native parts are not bundled.
      external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
      mainFields: ['module', 'main'],
    }),
  );
}
if (browserEntries.length > 0) {
  contexts.push(
    await esbuild.context({
      ...common,
      entryPoints: browserEntries,
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      loader: { '.css': 'css' },
    }),
  );
}

contexts.push(
  await esbuild.context({
    ...common,
    entryPoints: extensionTestEntries,
    outbase: 'test/extension',
    outdir: 'out/test/extension',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
    mainFields: ['module', 'main'],
    // Only mocha's parallel mode, which this suite never turns on, resolves files by path.
    logOverride: { 'require-resolve-not-external': 'silent' },
  }),
);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
