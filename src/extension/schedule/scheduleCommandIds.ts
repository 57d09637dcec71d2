/** The schedule commands, as `package.json` declares them. */
export const SCHEDULE_COMMANDS = {
  schedule: 'stevedore.scheduleOperation',
  show: 'stevedore.showSchedules',
  remove: 'stevedore.removeSchedule',
} as const;
