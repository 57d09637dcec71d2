import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import * as vscode from 'vscode';

import { Scheduler } from '../../../src/engine/schedule/scheduler';
import { SCHEDULES_FILE, ScheduleStore } from '../../../src/engine/schedule/scheduleStore';
import type { Schedule } from '../../../src/engine/schedule/scheduleTypes';
import { SILENT_LOGGER } from '../../../src/engine/util/logger';
import { schedulesDir } from '../../../src/extension/schedule/schedulesDir';
import {
  activateStevedore,
  createTestContainers,
  EXTENSION_ID,
  removeTestContainers,
  servicesOf,
  statesOf,
  testDocker,
  waitFor,
} from '../support/stevedoreHarness';

const run = promisify(execFile);
const TAGS = ['sched-run', 'sched-removed', 'sched-later', 'sched-cli', 'sched-race', 'sched-miss'];

describe('scheduled operations', () => {
  const docker = testDocker();
  const dir = schedulesDir();
  const store = new ScheduleStore(dir, SILENT_LOGGER);
  const added: string[] = [];

  before(() => {
    // The folder is shared with the CLI: the test wrapper must have given it a private one.
    const stateHome = process.env.XDG_STATE_HOME;
    assert.ok(stateHome, 'Expected XDG_STATE_HOME from the test wrapper');
    assert.equal(dir, join(stateHome, 'stevedore'));
  });

  after(async () => {
    const cleaner = new Scheduler({ dir, runDue: async () => undefined });
    const views = await cleaner.list();
    for (const view of views) {
      if (view.status === 'active' && added.includes(view.schedule.id)) {
        await cleaner.cancel(view.schedule.id);
      }
    }
    for (const tag of TAGS) await removeTestContainers(docker, tag);
  });

  async function schedule(args: object): Promise<Schedule> {
    const stored = await vscode.commands.executeCommand<Schedule | undefined>(
      'stevedore.scheduleOperation', args);
    assert.ok(stored, 'Expected the command to store a schedule');
    added.push(stored.id);
    return stored;
  }

  /** Waits until a due time of the schedule has ended, and returns how. */
  async function resultOf(id: string): Promise<'ran' | 'failed'> {
    return waitFor(`schedule ${id} to run`, async () => {
      const result = (await store.read()).get(id)?.results.values().next().value;
      return result?.outcome;
    }, 45_000);
  }

  async function scheduledRecords(schedule: Schedule) {
    const api = await activateStevedore();
    const engine = servicesOf(api).connection.session!.engine;
    return engine.list().filter((r) => r.label?.startsWith('scheduled') &&
      r.label.includes(schedule.id.slice(0, 8)));
  }

  async function cli(...args: string[]): Promise<string> {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const { stdout } = await run(process.execPath,
      [join(extension.extensionPath, 'dist', 'cli.js'), ...args],
      { env: process.env, timeout: 30_000 });
    return stdout;
  }

  it('a schedule due in two seconds runs and stops its containers on the engine', async () => {
    const ids = await createTestContainers(docker, { tag: 'sched-run', count: 3, start: true });
    await activateStevedore();

    const due = await schedule({
      kind: 'stop', selector: 'label=stevedore.test=sched-run', when: 'in 2s',
    });
    const outcome = await resultOf(due.id);

    assert.equal(outcome, 'ran');
    assert.deepEqual(await statesOf(docker, ids), ['exited', 'exited', 'exited']);
    const [record, ...more] = await scheduledRecords(due);
    assert.equal(more.length, 0);
    assert.equal(record?.status, 'completed');
    assert.match(record?.label ?? '', /^scheduled \(once /);
    assert.deepEqual(new Set(record?.items.map((i) => i.id)), new Set(ids));
  });

  it('a removed schedule does not run, while one due after it does', async () => {
    const removedIds = await createTestContainers(docker, {
      tag: 'sched-removed', count: 2, start: true,
    });
    const laterIds = await createTestContainers(docker, {
      tag: 'sched-later', count: 2, start: true,
    });
    await activateStevedore();

    const removed = await schedule({
      kind: 'stop', selector: 'label=stevedore.test=sched-removed', when: 'in 3s',
    });
    const later = await schedule({
      kind: 'stop', selector: 'label=stevedore.test=sched-later', when: 'in 4s',
    });
    const cancelled = await vscode.commands.executeCommand<Schedule | undefined>(
      'stevedore.removeSchedule', removed.id);
    // Due times run in the order they come due: once the later one ran, the removed
    // one would have run before it.
    await resultOf(later.id);

    assert.equal(cancelled?.id, removed.id);
    const state = (await store.read()).get(removed.id);
    assert.ok(state?.cancelledMs !== undefined, 'Expected the schedule to be cancelled');
    assert.equal(state.claims.size, 0);
    assert.deepEqual(await statesOf(docker, removedIds), ['running', 'running']);
    assert.deepEqual(await statesOf(docker, laterIds), ['exited', 'exited']);
    assert.deepEqual(await scheduledRecords(removed), []);
  });

  it('the CLI lists what the extension scheduled, and the extension runs what the CLI ' +
    'scheduled', async () => {
    const ids = await createTestContainers(docker, { tag: 'sched-cli', count: 2, start: true });
    await activateStevedore();
    const daily = await schedule({
      kind: 'start', selector: 'label=stevedore.test=sched-cli', when: 'daily 03:00',
    });

    const listed = JSON.parse(await cli('schedule', 'list', '--json')) as
      { schedule: Schedule; status: string }[];
    const at = localIso(Date.now() + 3_000);
    const fromCli = JSON.parse(await cli('schedule', 'add', 'stop',
      '--select', 'label=stevedore.test=sched-cli', '--at', at, '--json')) as Schedule;
    added.push(fromCli.id);
    const outcome = await resultOf(fromCli.id);

    const mine = listed.find((v) => v.schedule.id === daily.id);
    assert.equal(mine?.status, 'active');
    assert.equal(mine?.schedule.host, process.env.DOCKER_HOST);
    assert.equal(outcome, 'ran');
    assert.deepEqual(await statesOf(docker, ids), ['exited', 'exited']);
    assert.equal((await scheduledRecords(fromCli)).length, 1);
  });

  it('of two runners watching the same file, only one runs a due time', async () => {
    const ids = await createTestContainers(docker, { tag: 'sched-race', count: 2, start: true });
    await activateStevedore();
    const otherRan: string[] = [];
    const other = new Scheduler({
      dir,
      runDue: async (due) => {
        otherRan.push(due.id);
      },
    });
    const stopOther = new AbortController();
    const watching = other.start(stopOther.signal);

    try {
      const due = await schedule({
        kind: 'stop', selector: 'label=stevedore.test=sched-race', when: 'in 2s',
      });
      other.wake();
      await resultOf(due.id);

      const extensionRuns = (await scheduledRecords(due)).length;
      const otherRuns = otherRan.filter((id) => id === due.id).length;
      assert.equal(extensionRuns + otherRuns, 1);
      const expected = extensionRuns === 1 ? 'exited' : 'running';
      assert.deepEqual(await statesOf(docker, ids), [expected, expected]);
      const claims = await claimLines(due.id);
      assert.ok(claims.length >= 1 && claims.length <= 2, `claims: ${claims.length}`);
    } finally {
      stopOther.abort();
      await watching;
    }
  });

  it('a due time whose window passed while nothing watched is recorded missed, ' +
    'not run late', async () => {
    const ids = await createTestContainers(docker, { tag: 'sched-miss', count: 1, start: true });
    await activateStevedore();
    const hourAgo = Date.now() - 3_600_000;
    const old: Schedule = {
      id: `missed-${Date.now()}`,
      kind: 'stop',
      selection: { select: 'label=stevedore.test=sched-miss' },
      timing: { type: 'once', atMs: hourAgo + 60_000 },
      windowMinutes: 5,
      createdMs: hourAgo,
    };

    // As if `stevedore schedule add` had stored it an hour ago; the file's change wakes
    // the window's scheduler.
    await store.append([{ v: 1, t: 'add', schedule: old }]);
    const claim = await waitFor('the missed time to be recorded', async () =>
      (await store.read()).get(old.id)?.claims.get(old.timing.type === 'once'
        ? old.timing.atMs : 0), 30_000);

    assert.equal(claim.action, 'miss');
    assert.equal(claim.missedCount, 1);
    assert.deepEqual(await statesOf(docker, ids), ['running']);
    assert.deepEqual(await scheduledRecords(old), []);
  });

  async function claimLines(id: string): Promise<unknown[]> {
    const text = await readFile(join(dir, SCHEDULES_FILE), 'utf8');
    return text.split('\n').filter((line) => line.includes('"t":"claim"') && line.includes(id));
  }
});

/** `2026-05-01T02:00:03` in local time, as the CLI's --at reads a time without a zone. */
function localIso(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
