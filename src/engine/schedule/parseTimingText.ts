import { parseIsoTime } from '../planner/selector/parseIsoTime';
import { parseDailyTime } from './dailyTime';
import { ScheduleError } from './scheduleError';
import { MAX_WINDOW_MINUTES, type ScheduleTiming } from './scheduleTypes';

/** A schedule's timing as a person typed it, with the window when they gave one. */
export interface TimingText {
  readonly timing: ScheduleTiming;
  readonly windowMinutes?: number;
}

/** What the syntax accepts, for prompts and error messages. */
export const TIMING_SYNTAX =
  'daily HH:MM, at 2026-05-01T02:00, or in 10m; then optionally "within 30 min"';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WITHIN = /^(.*?)\s+within\s+(\d+)\s*(?:m|min|mins|minutes?)?$/i;
const DAILY = /^daily\s+(?:at\s+)?(\S+)$/i;
const AT = /^(?:at\s+)?(\d{4}-\S+(?:\s+\d{2}:\S+)?)$/i;
const IN = /^in\s+(\d+)\s*(s|m|h|d)$/i;

/**
 * Reads the timing of a schedule as the CLI's `--daily` and `--at` mean it: `daily 02:00`
 * (local clock), `at 2026-05-01T02:00` (local time unless it names a zone), or `in 10m`
 * from `nowMs`; `within N min` after any of them sets the window. Throws ScheduleError
 * with a sentence saying what was expected.
 */
export function parseTimingText(text: string, nowMs: number): TimingText {
  let rest = text.trim();
  let windowMinutes: number | undefined;
  const within = WITHIN.exec(rest);
  if (within) {
    rest = within[1]!.trim();
    windowMinutes = Number(within[2]);
    if (!Number.isInteger(windowMinutes) || windowMinutes < 1 ||
      windowMinutes > MAX_WINDOW_MINUTES) {
      throw new ScheduleError(
        `Expected the window to be whole minutes 1-${MAX_WINDOW_MINUTES}, got ${within[2]}`,
      );
    }
  }

  const timing = readTiming(rest, nowMs);
  return windowMinutes === undefined ? { timing } : { timing, windowMinutes };
}

function readTiming(text: string, nowMs: number): ScheduleTiming {
  const daily = DAILY.exec(text);
  if (daily) {
    if (!parseDailyTime(daily[1]!)) {
      throw new ScheduleError(`Expected a daily time as HH:MM (24-hour), got "${daily[1]}"`);
    }
    return { type: 'daily', time: daily[1]! };
  }

  const after = IN.exec(text);
  if (after) {
    const ms = Number(after[1]) * UNIT_MS[after[2]!.toLowerCase()]!;
    if (!(ms > 0)) throw new ScheduleError(`Expected a delay above zero, got "${text}"`);
    return { type: 'once', atMs: nowMs + ms };
  }

  const at = AT.exec(text);
  if (at) {
    const atMs = parseLocalTime(at[1]!.replace(/\s+/, 'T'));
    if (atMs === undefined) {
      throw new ScheduleError(`Expected a date-time like 2026-05-01T02:00, got "${at[1]}"`);
    }
    return { type: 'once', atMs };
  }

  throw new ScheduleError(`Expected ${TIMING_SYNTAX}; got "${text}"`);
}

// Without a zone the time is the local wall clock, as a person means "at 02:00" (the CLI's
// --at reads it so too); parseIsoTime alone would take it as UTC.
function parseLocalTime(text: string): number | undefined {
  const ms = parseIsoTime(text);
  if (ms === undefined) return undefined;
  if (text.length > 10 && /(?:[Zz]|[+-]\d{2}:?\d{2})$/.test(text)) return ms;

  const wall = new Date(ms);
  return new Date(
    wall.getUTCFullYear(),
    wall.getUTCMonth(),
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  ).getTime();
}
