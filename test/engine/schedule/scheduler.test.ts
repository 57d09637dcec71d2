import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Logger } from '../../../src/engine/util/logger';
import { ScheduleError } from '../../../src/engine/schedule/scheduleError';
import { Scheduler, type SchedulerClock } from '../../../src/engine/schedule/scheduler';
import { SCHEDULES_FILE } from '../../../src/engine/schedule/scheduleStore';
import type {
  NewSchedule,
  Schedule,
  ScheduleRun,
} from '../../../src/engine/schedule/scheduleTypes';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A clock moved by hand; its sleep moves it forward instead of waiting. */
class ManualClock implements SchedulerClock {
  readonly sleeps: number[] = [];

  constructor(public nowMs: number) {}

  now(): number {
    return this.nowMs;
  }

  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new Error('aborted');
    this.sleeps.push(ms);
    this.nowMs += ms;
  }
}

/** A local wall-clock time, so daily schedules are checked in whatever zone the test runs. */
function local(day: number, hour: number, minute = 0): number {
  return new Date(2026, 2, day, hour, minute).getTime();
}

function warningsLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = (): void => undefined;
  const warn = (m: string): void => {
    warnings.push(m);
  };
  return { trace: none, debug: none, info: none, warn, error: none, warnings };
}

const STOP_WEB: Omit<NewSchedule, 'timing'> = {
  kind: 'stop',
  selection: { select: 'label=app=web' },
};

describe('Scheduler', () => {
  let dir: string;
  let clock: ManualClock;
  let ran: { id: string; dueMs: number }[];
  let missed: ScheduleRun[];

  function scheduler(runDue?: (s: Schedule) => Promise<void>, log?: Logger): Scheduler {
    return new Scheduler({
      dir,
      clock,
      log,
      runDue: async (schedule, dueMs) => {
        ran.push({ id: schedule.id, dueMs });
        await runDue?.(schedule);
      },
      onMissed: (_schedule, run) => missed.push(run),
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stevedore-schedules-'));
    clock = new ManualClock(local(10, 9));
    ran = [];
    missed = [];
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a one-off schedule once when it is due, and not before', async () => {
    const s = scheduler();
    const timing = { type: 'once', atMs: local(10, 9, 30) } as const;
    const schedule = await s.add({ ...STOP_WEB, timing });

    assert.equal(await s.runDueNow(), local(10, 9, 30));
    clock.nowMs = local(10, 9, 31);
    await s.runDueNow();
    await s.idle();
    await s.runDueNow();
    await s.idle();

    assert.deepEqual(ran, [{ id: schedule.id, dueMs: local(10, 9, 30) }]);
    const [view] = await s.list();
    assert.equal(view?.status, 'finished');
    assert.equal(view?.runs[0]?.outcome, 'ran');
  });

  it('finds the next daily time in local time, today or tomorrow', async () => {
    const s = scheduler();
    await s.add({ ...STOP_WEB, timing: { type: 'daily', time: '10:00' } });
    clock.nowMs = local(10, 10, 5);
    await s.add({ ...STOP_WEB, timing: { type: 'daily', time: '10:00' } });

    const [early, late] = await s.list();

    assert.equal(early?.nextDueMs, local(10, 10));
    assert.equal(late?.nextDueMs, local(11, 10));
  });

  it('runs a daily schedule each day and then waits for the next day', async () => {
    const s = scheduler();
    await s.add({ ...STOP_WEB, timing: { type: 'daily', time: '10:00' }, windowMinutes: 30 });

    clock.nowMs = local(10, 10, 1);
    const next = await s.runDueNow();
    await s.idle();
    clock.nowMs = local(11, 10, 29);
    await s.runDueNow();
    await s.idle();

    assert.equal(next, local(11, 10));
    assert.deepEqual(ran.map((r) => r.dueMs), [local(10, 10), local(11, 10)]);
  });

  it('records a missed window instead of running late', async () => {
    const s = scheduler();
    const timing = { type: 'once', atMs: local(10, 9, 30) } as const;
    await s.add({ ...STOP_WEB, timing, windowMinutes: 10 });

    clock.nowMs = local(10, 9, 41);
    await s.runDueNow();
    await s.idle();

    assert.deepEqual(ran, []);
    assert.equal(missed.length, 1);
    const [view] = await s.list();
    assert.equal(view?.runs[0]?.outcome, 'missed');
    assert.equal(view?.status, 'finished');
  });

  it('counts the daily times missed while nothing watched, and runs the open one', async () => {
    const s = scheduler();
    await s.add({ ...STOP_WEB, timing: { type: 'daily', time: '10:00' } });

    clock.nowMs = local(13, 10, 5);
    await s.runDueNow();
    await s.idle();

    assert.deepEqual(ran.map((r) => r.dueMs), [local(13, 10)]);
    assert.deepEqual(missed.map((m) => [m.dueMs, m.missedCount]), [[local(12, 10), 3]]);
  });

  it('records a failed run with the reason', async () => {
    const s = scheduler(async () => {
      throw new Error('engine unreachable');
    });
    await s.add({ ...STOP_WEB, timing: { type: 'once', atMs: local(10, 9) } });

    await s.runDueNow();
    await s.idle();

    const [view] = await s.list();
    assert.deepEqual(
      view?.runs.map((r) => [r.outcome, r.message]),
      [['failed', 'engine unreachable']],
    );
  });

  it('never runs a cancelled schedule and lists it as cancelled', async () => {
    const s = scheduler();
    const schedule = await s.add({ ...STOP_WEB, timing: { type: 'daily', time: '10:00' } });

    await s.cancel(schedule.id.slice(0, 8));
    clock.nowMs = local(10, 10, 1);
    await s.runDueNow();
    await s.idle();

    assert.deepEqual(ran, []);
    assert.equal((await s.list())[0]?.status, 'cancelled');
    await assert.rejects(s.cancel(schedule.id), ScheduleError);
    await assert.rejects(s.cancel('nope-nope'), /No schedule/);
  });

  it('refuses a one-off time whose window has already passed', async () => {
    const s = scheduler();

    await assert.rejects(
      s.add({ ...STOP_WEB, timing: { type: 'once', atMs: local(10, 8) } }),
      ScheduleError,
    );
  });

  it('keeps schedules across instances, which see each other\'s runs', async () => {
    const timing = { type: 'daily', time: '10:00' } as const;
    const schedule = await scheduler().add({ ...STOP_WEB, timing });
    const later = scheduler();

    clock.nowMs = local(10, 10, 2);
    await later.runDueNow();
    await later.idle();
    const third = scheduler();
    await third.runDueNow();
    await third.idle();

    assert.deepEqual(ran, [{ id: schedule.id, dueMs: local(10, 10) }]);
    assert.equal((await third.list())[0]?.runs[0]?.outcome, 'ran');
  });

  it('runs a due time once when two runners watch the same folder', async () => {
    await scheduler().add({ ...STOP_WEB, timing: { type: 'once', atMs: local(10, 9, 1) } });
    const a = scheduler();
    const b = scheduler();

    clock.nowMs = local(10, 9, 2);
    await Promise.all([a.runDueNow(), b.runDueNow()]);
    await Promise.all([a.idle(), b.idle()]);

    assert.equal(ran.length, 1);
  });

  it('sleeps until the next due time, runs it, and stops when told', async () => {
    const controller = new AbortController();
    const s = new Scheduler({
      dir,
      clock,
      pollMs: HOUR,
      runDue: async (_schedule, dueMs) => {
        ran.push({ id: 'x', dueMs });
        controller.abort();
      },
    });
    await s.add({ ...STOP_WEB, timing: { type: 'once', atMs: local(10, 9, 20) } });

    await s.start(controller.signal);

    assert.equal(clock.sleeps[0], 20 * MINUTE);
    assert.deepEqual(ran.map((r) => r.dueMs), [local(10, 9, 20)]);
  });

  it('skips unreadable lines with one warning and survives a torn last line', async () => {
    writeFileSync(join(dir, SCHEDULES_FILE), 'not json\n');
    const log = warningsLogger();
    const s = scheduler(undefined, log);
    await s.add({ ...STOP_WEB, timing: { type: 'daily', time: '10:00' } });
    appendFileSync(join(dir, SCHEDULES_FILE), '{"v":1,"t":"add","sched');
    await s.add({ ...STOP_WEB, timing: { type: 'daily', time: '11:00' } });

    const views = await s.list();
    await s.list();

    assert.equal(views.length, 2);
    assert.equal(log.warnings.length, 1);
  });

  it('leaves a schedule it does not accept to another runner', async () => {
    const schedule = await scheduler().add({
      ...STOP_WEB, timing: { type: 'once', atMs: local(10, 9, 1) },
    });
    const picky = new Scheduler({
      dir,
      clock,
      accepts: () => false,
      runDue: async () => {
        ran.push({ id: 'picky', dueMs: 0 });
      },
    });

    clock.nowMs = local(10, 9, 2);
    await picky.runDueNow();
    await picky.idle();
    const other = scheduler();
    await other.runDueNow();
    await other.idle();

    assert.deepEqual(ran, [{ id: schedule.id, dueMs: local(10, 9, 1) }]);
  });

  it('reads the file again at once when woken, however long it meant to sleep', async () => {
    // Sleeps until aborted: without a wake the loop would never look again.
    const sleepy: SchedulerClock = {
      now: () => Date.now(),
      sleep: (_ms, signal) => new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      }),
    };
    const controller = new AbortController();
    const watcher = new Scheduler({
      dir,
      clock: sleepy,
      runDue: async (schedule, dueMs) => {
        ran.push({ id: schedule.id, dueMs });
        controller.abort();
      },
    });
    const watching = watcher.start(controller.signal);
    await watcher.runDueNow();

    const schedule = await new Scheduler({ dir, runDue: async () => undefined }).add({
      ...STOP_WEB, timing: { type: 'once', atMs: Date.now() },
    });
    watcher.wake();
    await watching;

    assert.deepEqual(ran.map((r) => r.id), [schedule.id]);
  });
});
