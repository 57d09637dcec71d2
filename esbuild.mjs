// Bundles every program Stevedore ships: the extension host, the planner worker, the
// command-line interface, the webview page, and the extension test suite that runs inside
// VS Code. `node esbuild.mjs --watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Programs that run in Node: the extension host, its worker, the CLI and the tests. */
const nodeEntries = [
  // Entries are added here as the programs land: { in: 'src/...', out: 'name' }.
];

/** Pages that run in the webview. */
const browserEntries = [];

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

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
