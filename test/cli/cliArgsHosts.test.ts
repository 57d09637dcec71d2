import assert from 'node:assert/strict';

import { type OperationCommand, parseCliArgs, USAGE, UsageError } from '../../src/cli/cliArgs';

function operation(argv: string[]): OperationCommand {
  const cmd = parseCliArgs(argv);
  assert.equal(cmd.command, 'operation');
  return cmd as OperationCommand;
}

function rejects(argv: string[], pattern: RegExp): void {
  assert.throws(() => parseCliArgs(argv), (e: Error) =>
    e instanceof UsageError && pattern.test(e.message));
}

describe('parseCliArgs with several engines', () => {
  it('keeps every --host in the order given', () => {
    const cmd = operation([
      'stop', '--select', 'status=running',
      '--host', 'unix:///run/a.sock', '--host', 'tcp://b.example:2375', '--host', '/run/c.sock',
    ]);

    assert.deepEqual(cmd.hosts, ['unix:///run/a.sock', 'tcp://b.example:2375', '/run/c.sock']);
    assert.deepEqual(cmd.contexts, []);
  });

  it('reads repeated --context next to --host, each list in its own order', () => {
    const cmd = operation([
      'restart', 'web-1', '--context', 'east', '--host', 'unix:///run/a.sock',
      '--context', 'west',
    ]);

    assert.deepEqual(cmd.contexts, ['east', 'west']);
    assert.deepEqual(cmd.hosts, ['unix:///run/a.sock']);
  });

  it('leaves both lists empty without either option, meaning the default engine', () => {
    const cmd = operation(['start', 'x']);

    assert.deepEqual([cmd.hosts, cmd.contexts, cmd.skipUnreachable], [[], [], false]);
  });

  it('reads --skip-unreachable and --max-outage in seconds', () => {
    const cmd = operation([
      'kill', 'x', '--host', 'unix:///a', '--host', 'unix:///b', '--skip-unreachable',
      '--max-outage', '15',
    ]);

    assert.equal(cmd.skipUnreachable, true);
    assert.equal(cmd.maxOutageSeconds, 15);
  });

  it('rejects an empty --host or --context instead of quietly using the default engine', () => {
    rejects(['stop', 'x', '--host', 'unix:///a', '--host', ''], /--host to name something/);
    rejects(['stop', 'x', '--context', ' '], /--context to name something/);
  });

  it('rejects --host or --context without a value', () => {
    rejects(['stop', 'x', '--host'], /--host/);
    rejects(['stop', 'x', '--context'], /--context/);
  });

  it('rejects a --max-outage that is not whole seconds from 1, saying what it expected', () => {
    for (const bad of ['0', '-5', '1.5', 'soon', '']) {
      rejects(['stop', 'x', `--max-outage=${bad}`], /Expected --max-outage to be whole seconds/);
    }
  });

  it('keeps one --host for a schedule and refuses the multi-engine options there', () => {
    const one = parseCliArgs(['schedule', 'run', '--host', 'unix:///a']);
    assert.deepEqual(one, {
      command: 'schedule', action: 'run', host: 'unix:///a', historyDir: undefined,
    });

    const daily = ['schedule', 'add', 'stop', 'x', '--daily', '02:00'];
    rejects([...daily, '--host', 'unix:///a', '--host', 'unix:///b'], /at most one --host/);
    rejects([...daily, '--context', 'east'], /--context/);
    rejects(['schedule', 'run', '--skip-unreachable'], /--skip-unreachable/);
  });

  it('lists the multi-engine options in the help text', () => {
    for (const option of ['--host URL', '--context NAME', '--skip-unreachable', '--max-outage']) {
      assert.ok(USAGE.includes(option), option);
    }
  });
});
