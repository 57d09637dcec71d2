import assert from 'node:assert/strict';

import { parseCliArgs, UsageError } from '../../src/cli/cliArgs';

describe('parseCliArgs', () => {
  it('reads an operation with ids, a selector and every option', () => {
    const cmd = parseCliArgs([
      'stop', 'web-1', 'abc123', '--select', 'label=app=web', '--host', 'unix:///tmp/d.sock',
      '--concurrency', '32', '--timeout', '5', '--dry-run', '--json', '--history', '/tmp/h',
    ]);

    assert.deepEqual(cmd, {
      command: 'operation',
      kind: 'stop',
      ids: ['web-1', 'abc123'],
      select: 'label=app=web',
      host: 'unix:///tmp/d.sock',
      concurrency: 32,
      graceSeconds: 5,
      signal: undefined,
      force: false,
      dryRun: true,
      json: true,
      historyDir: '/tmp/h',
    });
  });

  it('treats --concurrency auto as no pinned number', () => {
    const cmd = parseCliArgs(['start', 'x', '--concurrency', 'auto']);

    assert.equal(cmd.command === 'operation' && cmd.concurrency, undefined);
  });

  it('reads the history command', () => {
    assert.deepEqual(parseCliArgs(['history', '--json']), {
      command: 'history',
      json: true,
      historyDir: undefined,
    });
  });

  it('asks for help with no arguments or -h', () => {
    assert.deepEqual(parseCliArgs([]), { command: 'help' });
    assert.deepEqual(parseCliArgs(['stop', '-h']), { command: 'help' });
  });

  it('rejects an unknown command, naming it', () => {
    assert.throws(() => parseCliArgs(['reboot', 'x']), (e: Error) =>
      e instanceof UsageError && /"reboot"/.test(e.message));
  });

  it('rejects an operation with neither targets nor a selector', () => {
    assert.throws(() => parseCliArgs(['remove']), UsageError);
  });

  it('rejects out-of-range numbers with what was expected', () => {
    assert.throws(() => parseCliArgs(['stop', 'x', '--concurrency', '0']), /1-256/);
    assert.throws(() => parseCliArgs(['stop', 'x', '--timeout=-1']), /0-3600/);
    assert.throws(() => parseCliArgs(['stop', 'x', '--bogus']), UsageError);
  });
});
