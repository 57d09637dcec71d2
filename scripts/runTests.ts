/**
 * Runs the whole test suite in stages, streams each stage's output, and ends with one
 * plain line `N passed, N failed, N skipped` over all stages, which CI reads. Mocha prints
 * its counts per run; the extension runner prints the plain line itself.
 *
 *   npx tsx scripts/runTests.ts [--only stage,stage] [--skip stage,stage]
 */
import { spawn } from 'node:child_process';

interface Stage {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Stages without tests (typecheck, build) count as one passed check each. */
  readonly countsTests: boolean;
}

const MOCHA = ['node_modules/.bin/mocha', '--config', '.mocharc.json'];

const STAGES: readonly Stage[] = [
  { name: 'typecheck', command: 'npx', args: ['tsc', '-p', '.', '--noEmit'], countsTests: false },
  { name: 'build', command: 'node', args: ['esbuild.mjs'], countsTests: false },
  {
    name: 'unit',
    command: MOCHA[0]!,
    args: [...MOCHA.slice(1), 'test/engine/**/*.test.ts', 'test/cli/**/*.test.ts'],
    countsTests: true,
  },
  {
    name: 'webview',
    command: MOCHA[0]!,
    args: [...MOCHA.slice(1), 'test/webview-ui/**/*.test.ts'],
    countsTests: true,
  },
  {
    name: 'integration',
    command: MOCHA[0]!,
    args: [...MOCHA.slice(1), 'test/integration/**/*.test.ts'],
    countsTests: true,
  },
  {
    name: 'extension',
    command: 'npx',
    args: ['tsx', 'scripts/vscode/testExtension.ts'],
    countsTests: true,
  },
  // Checks through the workbench, as a person: multi-select three tree items and Stop from
  // the menu; Cancel a running operation from the panel; reload the window mid-operation and
  // Resume it from the History.
  { name: 'ui', command: 'npx', args: ['tsx', 'scripts/vscode/uiCheck.ts'], countsTests: false },
  {
    name: 'ui-panel',
    command: 'npx',
    args: ['tsx', 'scripts/vscode/uiPanelCheck.ts'],
    countsTests: false,
  },
  {
    name: 'ui-reload',
    command: 'npx',
    args: ['tsx', 'scripts/vscode/uiReloadCheck.ts'],
    countsTests: false,
  },
];

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function parseArgs(argv: readonly string[]): { only?: Set<string>; skip: Set<string> } {
  const read = (flag: string): Set<string> | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? new Set(argv[i + 1]!.split(',')) : undefined;
  };
  return { only: read('--only'), skip: read('--skip') ?? new Set() };
}

/** Reads mocha's "N passing / N failing / N pending" and the plain "N passed, N failed". */
function countsFrom(output: string): Counts | undefined {
  const plain = [...output.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)];
  if (plain.length > 0) {
    const last = plain[plain.length - 1]!;
    return { passed: +last[1]!, failed: +last[2]!, skipped: +(last[3] ?? 0) };
  }
  const num = (re: RegExp): number | undefined => {
    const m = output.match(re);
    return m ? Number(m[1]) : undefined;
  };
  const passed = num(/^\s*(\d+) passing/m);
  const failed = num(/^\s*(\d+) failing/m);
  const skipped = num(/^\s*(\d+) pending/m);
  if (passed === undefined && failed === undefined) return undefined;
  return { passed: passed ?? 0, failed: failed ?? 0, skipped: skipped ?? 0 };
}

function runStage(stage: Stage): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(stage.command, stage.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const forward = (stream: NodeJS.WriteStream) => (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      stream.write(text);
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    child.on('error', (error) => resolve({ code: 1, output: output + String(error) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function main(): Promise<number> {
  const { only, skip } = parseArgs(process.argv.slice(2));
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const summary: string[] = [];

  for (const stage of STAGES) {
    if ((only && !only.has(stage.name)) || skip.has(stage.name)) continue;
    process.stdout.write(`\n=== ${stage.name} ===\n`);
    const started = Date.now();
    const { code, output } = await runStage(stage);
    const seconds = Math.round((Date.now() - started) / 1000);

    const counts = stage.countsTests ? countsFrom(output) : undefined;
    if (counts) {
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
    } else if (code === 0) {
      total.passed += 1;
    }
    // A stage that crashed or ran no test is a failure, whatever it printed before.
    const broken = code !== 0 && (!counts || counts.failed === 0);
    if (broken) total.failed += 1;
    summary.push(`${stage.name}: exit ${code}, ${seconds} s` +
      (counts ? `, ${counts.passed} passed, ${counts.failed} failed` : ''));
  }

  process.stdout.write(`\n=== summary ===\n${summary.join('\n')}\n`);
  const { passed, failed, skipped } = total;
  process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`runTests: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
