import assert from 'node:assert/strict';

import {
  dailyAfter,
  dailyAtOrBefore,
  parseDailyTime,
} from '../../../src/engine/schedule/dailyTime';

describe('dailyTime', () => {
  let savedTz: string | undefined;

  beforeEach(() => {
    // Node reads TZ again when it changes, so one zone with daylight saving can be pinned.
    savedTz = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
  });

  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('reads HH:MM and nothing else', () => {
    assert.deepEqual(parseDailyTime('02:30'), { hour: 2, minute: 30 });
    assert.equal(parseDailyTime('2:30'), undefined);
    assert.equal(parseDailyTime('24:00'), undefined);
    assert.equal(parseDailyTime('12:60'), undefined);
  });

  it('finds today\'s time when it is still ahead, else tomorrow\'s', () => {
    const time = { hour: 10, minute: 0 };

    assert.equal(dailyAfter(time, Date.parse('2026-06-01T07:00:00Z')),
      Date.parse('2026-06-01T08:00:00Z'));
    assert.equal(dailyAfter(time, Date.parse('2026-06-01T08:00:00Z')),
      Date.parse('2026-06-02T08:00:00Z'));
    assert.equal(dailyAtOrBefore(time, Date.parse('2026-06-01T07:59:00Z')),
      Date.parse('2026-05-31T08:00:00Z'));
  });

  it('comes once on the day clocks spring forward, at the first time that exists', () => {
    const time = { hour: 2, minute: 30 };
    // 2026-03-29 in Berlin has no 02:30: clocks go from 02:00 CET to 03:00 CEST.
    const saturday = Date.parse('2026-03-28T01:30:00Z');

    const sunday = dailyAfter(time, saturday);

    assert.equal(sunday, Date.parse('2026-03-29T01:30:00Z'));
    assert.equal(dailyAfter(time, sunday), Date.parse('2026-03-30T00:30:00Z'));
  });
});
