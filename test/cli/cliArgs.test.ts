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
      hosts: ['unix:///tmp/d.sock'],
      contexts: [],
      skipUnreachable: false,
      maxOutageSeconds: undefined,
      concurrency: 32,
      graceSeconds: 5,
      signal: undefined,
      force: false,
      failureThreshold: undefined,
      keepGoing: false,
      dependencyOrder: true,
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

  it('reads the failure threshold and --keep-going', () => {
    const cmd = parseCliArgs(['start', 'x', '--failure-threshold', '0.2', '--keep-going']);

    assert.equal(cmd.command === 'operation' && cmd.failureThreshold, 0.2);
    assert.equal(cmd.command === 'operation' && cmd.keepGoing, true);
    assert.throws(() => parseCliArgs(['start', 'x', '--failure-threshold', '5']), /0-1/);
  });

  it('keeps compose dependency order unless --no-order, for operations and schedules', () => {
    const kept = parseCliArgs(['stop', 'x']);
    const dropped = parseCliArgs(['stop', 'x', '--no-order']);
    const scheduled = parseCliArgs(['schedule', 'add', 'stop', 'x', '--daily', '02:00',
      '--no-order']);

    assert.equal(kept.command === 'operation' && kept.dependencyOrder, true);
    assert.equal(dropped.command === 'operation' && dropped.dependencyOrder, false);
    assert.equal('dependencyOrder' in scheduled && scheduled.dependencyOrder, false);
  });

  it('rejects out-of-range numbers with what was expected', () => {
    assert.throws(() => parseCliArgs(['stop', 'x', '--concurrency', '0']), /1-256/);
    assert.throws(() => parseCliArgs(['stop', 'x', '--timeout=-1']), /0-3600/);
    assert.throws(() => parseCliArgs(['stop', 'x', '--bogus']), UsageError);
  });
});

describe('parseCliArgs for schedules', () => {
  it('reads schedule add with a selector, a daily time, a window and operation options', () => {
    const cmd = parseCliArgs([
      'schedule', 'add', 'stop', '--select', 'label=app=web', '--daily', '02:00',
      '--window', '30', '--timeout', '5', '--history', '/tmp/h',
    ]);

    assert.deepEqual(cmd, {
      command: 'schedule',
      action: 'add',
      kind: 'stop',
      ids: [],
      select: 'label=app=web',
      atMs: undefined,
      daily: '02:00',
      windowMinutes: 30,
      host: undefined,
      concurrency: undefined,
      graceSeconds: 5,
      signal: undefined,
      force: false,
      dependencyOrder: true,
      json: false,
      historyDir: '/tmp/h',
    });
  });

  it('reads --at with a zone as that instant, and without one as local time', () => {
    const zoned = parseCliArgs(['schedule', 'add', 'start', 'web-1', '--at', '2026-05-01T02:00Z']);
    const wall = parseCliArgs(['schedule', 'add', 'start', 'web-1', '--at', '2026-05-01T02:00']);

    assert.equal(zoned.command === 'schedule' && zoned.action === 'add' && zoned.atMs,
      Date.UTC(2026, 4, 1, 2, 0));
    assert.equal(wall.command === 'schedule' && wall.action === 'add' && wall.atMs,
      new Date(2026, 4, 1, 2, 0).getTime());
  });

  it('reads schedule list, cancel and run', () => {
    assert.deepEqual(parseCliArgs(['schedule', 'list', '--json']), {
      command: 'schedule', action: 'list', json: true, historyDir: undefined,
    });
    assert.deepEqual(parseCliArgs(['schedule', 'cancel', '1a2b3c4d']), {
      command: 'schedule', action: 'cancel', id: '1a2b3c4d', historyDir: undefined,
    });
    assert.deepEqual(parseCliArgs(['schedule', 'run', '--host', 'unix:///tmp/d.sock']), {
      command: 'schedule', action: 'run', host: 'unix:///tmp/d.sock', historyDir: undefined,
    });
  });

  it('asks for exactly one of --at and --daily', () => {
    assert.throws(() => parseCliArgs(['schedule', 'add', 'stop', 'x']), /exactly one/);
    assert.throws(
      () => parseCliArgs([
        'schedule', 'add', 'stop', 'x', '--at', '2026-05-01', '--daily', '02:00',
      ]),
      /exactly one/,
    );
  });

  it('rejects malformed times, windows, kinds and actions with what was expected', () => {
    assert.throws(() => parseCliArgs(['schedule', 'add', 'stop', 'x', '--daily', '2am']), /HH:MM/);
    assert.throws(() => parseCliArgs(['schedule', 'add', 'stop', 'x', '--at', 'tomorrow']), /ISO/);
    assert.throws(
      () => parseCliArgs(['schedule', 'add', 'stop', 'x', '--daily', '02:00', '--window', '0']),
      /1-1439/,
    );
    assert.throws(() => parseCliArgs(['schedule', 'add', 'reboot', 'x', '--daily', '02:00']),
      /"reboot"/);
    assert.throws(() => parseCliArgs(['schedule', 'add', 'stop', '--daily', '02:00']), /--select/);
    assert.throws(() => parseCliArgs(['schedule', 'later']), /add, list, cancel or run/);
    assert.throws(() => parseCliArgs(['schedule', 'cancel']), /one schedule id/);
    assert.throws(() => parseCliArgs(['schedule', 'list', '--dry-run']), /--dry-run/);
  });

  it('refuses scheduling options on an operation, which would otherwise run at once', () => {
    assert.throws(() => parseCliArgs(['stop', 'x', '--at', '2026-05-01T02:00']), (e: Error) =>
      e instanceof UsageError && /schedule add/.test(e.message));
  });
});
