import type { Schedule } from './scheduleTypes';

/** `once at <ISO>` or `daily at HH:MM local time`, with the window, for logs and lists. */
export function describeTiming(schedule: Schedule): string {
  const timing = schedule.timing;
  const when = timing.type === 'once'
    ? `once at ${new Date(timing.atMs).toISOString()}`
    : `daily at ${timing.time} local time`;
  return `${when}, within ${schedule.windowMinutes} min`;
}
