import { dailyAfter, dailyAtOrBefore, type DailyTime, parseDailyTime } from './dailyTime';
import type { Schedule } from './scheduleTypes';

/** What one schedule needs at one instant. */
export interface DueCheck {
  /** A due time whose window is open and that no runner has taken yet. */
  readonly run?: number;
  /** The latest due time whose window passed untaken, and how many passed so in all. */
  readonly missed?: { readonly dueMs: number; readonly count: number };
  /** The first due time after those; undefined when the schedule has no more. */
  readonly nextDueMs?: number;
}

// Counting missed days stops here: past ten years the exact number tells nobody anything.
const MAX_COUNTED = 3660;

/**
 * Works out what a schedule needs at `nowMs`, given the latest due time already taken by
 * some runner. A due time counts only once the schedule exists, so a daily schedule added
 * at 10:05 for 10:00 is first due tomorrow. Pure, for tests with any clock.
 */
export function dueOccurrences(
  schedule: Schedule,
  handledThroughMs: number | undefined,
  nowMs: number,
): DueCheck {
  const windowMs = schedule.windowMinutes * 60_000;
  const timing = schedule.timing;

  if (timing.type === 'once') {
    if (handledThroughMs !== undefined && handledThroughMs >= timing.atMs) return {};
    if (nowMs < timing.atMs) return { nextDueMs: timing.atMs };
    if (nowMs < timing.atMs + windowMs) return { run: timing.atMs };
    return { missed: { dueMs: timing.atMs, count: 1 } };
  }

  const time = parseDailyTime(timing.time);
  if (!time) return {};
  const first = dailyAfter(time, handledThroughMs ?? schedule.createdMs);
  if (first > nowMs) return { nextDueMs: first };

  const latest = dailyAtOrBefore(time, nowMs);
  const nextDueMs = dailyAfter(time, latest);
  if (nowMs < latest + windowMs) {
    if (latest === first) return { run: latest, nextDueMs };
    const before = dailyAtOrBefore(time, latest - 1);
    const missed = { dueMs: before, count: countDaily(time, first, before) };
    return { run: latest, missed, nextDueMs };
  }
  return { missed: { dueMs: latest, count: countDaily(time, first, latest) }, nextDueMs };
}

function countDaily(time: DailyTime, from: number, to: number): number {
  let n = 0;
  for (let at = from; at <= to && n < MAX_COUNTED; at = dailyAfter(time, at)) n += 1;
  return n;
}
