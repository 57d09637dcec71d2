import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { CliResult } from '../../../src/cli/cliResult';
import { HistoryStore } from '../../../src/engine/history/historyStore';
import { withSandbox } from '../../support/engineSandbox';
import {
  recordedEngine,
  report,
  runCli,
  sandboxAdapter,
  targetsOf,
} from './reliabilityKit';

// Docker accepts only [a-zA-Z0-9][a-zA-Z0-9_.-]+ in names (checked: "é", quotes, "<", ";"
// and spaces are refused with 400), and no length limit below 1000; labels take any text.
const LONG_NAME = `L${'ong.name_with-punct.'.repeat(13)}`.slice(0, 255);
const NOTE = 'café "quoted" <b>bold</b> & \'single\' 😀 日本語, with a comma';
const LABELS: Record<string, string> = {
  'stevedore.note': NOTE,
  'stevedore.raw': 'back\\slash\ttab\nnewline </script><script>alert(1)</script>',
  'stevedore.long': 'v'.repeat(4096),
  'com.example/ünïcödé-key': '',
};

/** The selector text for a value: quoted, with quotes and backslashes escaped. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

describe('When names, labels and selectors carry awkward or hostile text', function () {
  this.timeout(120_000);
  const ctx = withSandbox({ name: 'input' });
  let dir: string;
  let longId: string;
  let shellId: string;
  const markers = Array.from({ length: 8 }, (_, i) => `/tmp/stevedore-pwned-${process.pid}-${i}`);
  const env = (): NodeJS.ProcessEnv => ({ DOCKER_HOST: ctx.sandbox.dockerHost,
    XDG_STATE_HOME: join(dir, 'state') });

  before(async () => {
    dir = mkdtempSync('/tmp/stevedore-input-');
    const create = async (name: string, labels: Record<string, string>): Promise<string> =>
      (await ctx.docker.createContainer({ Image: ctx.imageRef, name, Labels: labels,
        HostConfig: { NetworkMode: 'none', Init: true },
        abortSignal: AbortSignal.timeout(30_000) })).id;
    longId = await create(LONG_NAME, LABELS);
    shellId = await create('shell-text', { 'stevedore.shell': `$(touch ${markers[6]})`,
      'stevedore.semicolon': `x; touch ${markers[7]}` });
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const marker of markers) rmSync(marker, { force: true });
  });

  it('a 255-character name and labels with unicode, quotes and HTML come back unchanged ' +
    'from the engine, the history and the CLI\'s JSON', async () => {
    const r = recordedEngine(ctx.sandbox, { history: new HistoryStore(join(dir, 'engine')) });
    await r.engine.loadHistory();
    const listed = (await r.adapter.list(AbortSignal.timeout(10_000)))
      .find((c) => c.id === longId);
    assert.equal(listed?.name, LONG_NAME);
    assert.deepEqual(listed?.labels, LABELS);

    const record = await r.engine.submit({ kind: 'start',
      targets: await targetsOf(r.adapter, [longId]) }).done;
    await r.engine.dispose();
    const stored = (await new HistoryStore(join(dir, 'engine')).load()).operations;
    assert.equal(record.items[0]?.name, LONG_NAME);
    assert.equal(stored[0]?.items[0]?.name, LONG_NAME);

    const byName = await runCli(['stop', LONG_NAME, '--timeout', '0', '--json',
      '--history', join(dir, 'cli')], { env: env() });
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal((JSON.parse(byName.stdout) as CliResult).items[0]?.name, LONG_NAME);
    const selector = `label=stevedore.note=${quoted(NOTE)}`;
    const byLabel = await runCli(['start', '--select', selector, '--json',
      '--history', join(dir, 'cli')], { env: env() });
    assert.equal(byLabel.code, 0, byLabel.stderr);
    const selected = JSON.parse(byLabel.stdout) as CliResult;
    assert.deepEqual(selected.items.map((i) => [i.id, i.name, i.outcome]),
      [[longId, LONG_NAME, 'succeeded']]);
    const history = await runCli(['history', '--json', '--history', join(dir, 'cli')],
      { env: env() });
    assert.deepEqual((JSON.parse(history.stdout) as CliResult[]).map((o) => o.items[0]?.name),
      [LONG_NAME, LONG_NAME]);
    const labelled = (await new HistoryStore(join(dir, 'cli')).load()).operations[0];
    assert.equal(labelled?.label, selector, 'the selector is kept as typed');
    report('awkward names and labels', { nameLength: LONG_NAME.length,
      labelLengths: Object.values(LABELS).map((v) => v.length), selector });
  });

  it('selector errors say what was expected and at which column, and the CLI exits 2',
    async () => {
      const cases: [string, RegExp][] = [
        ['label=app=web status=runing',
          /^Expected a state \(created, .*\) at column 22, found "runing"$/],
        ['name=/[/', /^Expected a closing "\/" at column 9 \(the regex opened at column 6\)$/],
        ['age>2x', /^Expected a duration such as 30m.* at column 5, found "2x"$/],
        ['colour=red', /^Expected a term name \(status, .*\) at column 1, found "colour"$/],
        ['name="café',
          /^Expected a closing quote \("\) at column 11 \(the quote opened at column 6\)$/],
        ['status=running,', /^Expected a value after "status=running," at column 16$/],
      ];
      const runs = await Promise.all(cases.map(([selector]) =>
        runCli(['stop', '--select', selector], { env: env() })));

      const firstLines: string[] = [];
      runs.forEach((run, i) => {
        const [selector, expected] = cases[i]!;
        assert.equal(run.code, 2, `${selector}: ${run.stderr}`);
        const first = run.stderr.split('\n')[0]!.replace(/^stevedore: /, '');
        assert.match(first, expected, selector);
        firstLines.push(first);
      });
      report('selector errors', { messages: firstLines });
    });

  it('hostile text in arguments, selectors and labels is data: no shell ever runs it',
    async () => {
      const args = [`x; touch ${markers[0]}`, `$(touch ${markers[1]})`,
        `\`touch ${markers[2]}\``, `| touch ${markers[3]}`, `&& touch ${markers[4]} #`,
        `'; touch ${markers[5]}; echo '`, 'café', '<b>x</b>'];

      const named = await runCli(['stop', ...args, '--json'], { env: env() });
      const selected = await runCli(['start', '--select',
        `label=stevedore.shell=${quoted(`$(touch ${markers[6]})`)}`, '--json'], { env: env() });
      const refused = await ctx.docker.createContainer({ Image: ctx.imageRef,
        name: `x; touch ${markers[7]}` }).then(() => 'created', (e: { statusCode?: number }) =>
        e.statusCode);

      assert.equal(named.code, 1);
      for (const arg of args) {
        assert.ok(named.stderr.includes(`No single container matches "${arg}"\n`), arg);
      }
      assert.equal(selected.code, 0, selected.stderr);
      assert.deepEqual((JSON.parse(selected.stdout) as CliResult).items.map((i) => i.id),
        [shellId]);
      assert.equal(refused, 400, 'Docker refuses such a name');
      const labels = (await sandboxAdapter(ctx.sandbox).list(AbortSignal.timeout(10_000)))
        .find((c) => c.id === shellId)?.labels;
      assert.equal(labels?.['stevedore.semicolon'], `x; touch ${markers[7]}`);
      assert.deepEqual(markers.filter((m) => existsSync(m)), [], 'no file was created');
      report('hostile text', { arguments: args.length, filesCreated: 0 });
    });
});
