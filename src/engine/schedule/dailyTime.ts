/** A wall-clock time of day. */
export interface DailyTime {
  readonly hour: number;
  readonly minute: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Reads `HH:MM` (24-hour, two digits each); undefined when it is anything else. */
export function parseDailyTime(text: string): DailyTime | undefined {
  const match = HH_MM.exec(text);
  if (!match) return undefined;
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * The latest instant at or before `ms` when local clocks read `time`. Local dates do the
 * calendar work, so a day with a daylight-saving change is 23 or 25 hours long, and a time
 * that day skips (02:30 when clocks jump from 02:00 to 03:00) falls at 03:30.
 */
export function dailyAtOrBefore(time: DailyTime, ms: number): number {
  const day = new Date(ms);
  const today = onDay(time, day.getFullYear(), day.getMonth(), day.getDate());
  return today <= ms ? today : onDay(time, day.getFullYear(), day.getMonth(), day.getDate() - 1);
}

/** The earliest instant after `ms` when local clocks read `time`. */
export function dailyAfter(time: DailyTime, ms: number): number {
  const day = new Date(ms);
  const today = onDay(time, day.getFullYear(), day.getMonth(), day.getDate());
  return today > ms ? today : onDay(time, day.getFullYear(), day.getMonth(), day.getDate() + 1);
}

function onDay(time: DailyTime, year: number, month: number, date: number): number {
  return new Date(year, month, date, time.hour, time.minute, 0, 0).getTime();
}
