import assert from 'node:assert/strict';

import { parseTimingText } from '../../../src/engine/schedule/parseTimingText';
import { ScheduleError } from '../../../src/engine/schedule/scheduleError';

const NOW = new Date(2026, 4, 1, 9, 0).getTime();

describe('parseTimingText', () => {
  it('reads "daily HH:MM" as a daily local time', () => {
    assert.deepEqual(parseTimingText('daily 02:00', NOW), {
      timing: { type: 'daily', time: '02:00' },
    });
    assert.deepEqual(parseTimingText('Daily at 23:59', NOW).timing, {
      type: 'daily', time: '23:59',
    });
  });

  it('reads a date-time without a zone as local wall-clock time', () => {
    const expected = new Date(2026, 4, 2, 2, 30).getTime();

    assert.deepEqual(parseTimingText('at 2026-05-02T02:30', NOW).timing, {
      type: 'once', atMs: expected,
    });
    assert.deepEqual(parseTimingText('2026-05-02 02:30', NOW).timing, {
      type: 'once', atMs: expected,
    });
  });

  it('keeps the zone a date-time names', () => {
    assert.deepEqual(parseTimingText('at 2026-05-02T02:30Z', NOW).timing, {
      type: 'once', atMs: Date.UTC(2026, 4, 2, 2, 30),
    });
  });

  it('reads "in N" with a unit as a delay from now', () => {
    assert.deepEqual(parseTimingText('in 2s', NOW).timing, { type: 'once', atMs: NOW + 2_000 });
    assert.deepEqual(parseTimingText('in 10 m', NOW).timing, {
      type: 'once', atMs: NOW + 600_000,
    });
    assert.deepEqual(parseTimingText('IN 3h', NOW).timing, {
      type: 'once', atMs: NOW + 3 * 3_600_000,
    });
  });

  it('takes a window after any timing', () => {
    assert.deepEqual(parseTimingText('daily 02:00 within 30 min', NOW), {
      timing: { type: 'daily', time: '02:00' },
      windowMinutes: 30,
    });
    assert.equal(parseTimingText('in 5m within 2', NOW).windowMinutes, 2);
  });

  it('refuses what it cannot read, saying what it expected', () => {
    for (const text of ['', 'tomorrow', 'daily 2:00', 'daily 24:00', 'at 2026-02-30T10:00',
      'in 0s', 'in 5y', 'daily 02:00 within 0 min', 'daily 02:00 within 1440 min']) {
      assert.throws(() => parseTimingText(text, NOW), ScheduleError, text);
    }
    assert.throws(() => parseTimingText('tomorrow', NOW), /Expected daily HH:MM/);
  });
});
