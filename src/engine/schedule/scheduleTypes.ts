import type { OperationKind, OperationOptions } from '../model/operation';

/**
 * When a schedule comes due: once at an instant, or every day when the local clock of the
 * process that runs it reads `time` (`HH:MM`, 24-hour).
 */
export type ScheduleTiming =
  | { readonly type: 'once'; readonly atMs: number }
  | { readonly type: 'daily'; readonly time: string };

/**
 * Which containers a schedule acts on, kept as the user said it so that it is planned
 * anew when due: containers created since are caught by the selector, removed ones are not
 * looked for. Both given means both must match.
 */
export interface ScheduleSelection {
  readonly select?: string;
  readonly ids?: readonly string[];
}

/** An operation to run later, as stored. */
export interface Schedule {
  readonly id: string;
  readonly kind: OperationKind;
  readonly selection: ScheduleSelection;
  readonly timing: ScheduleTiming;
  /** Minutes after the due time in which it may still start; past that it is missed. */
  readonly windowMinutes: number;
  readonly options?: OperationOptions;
  /** The engine address to run against; the runner's own when absent. */
  readonly host?: string;
  readonly createdMs: number;
}

/** What a caller gives to add a schedule; the window defaults to 15 minutes. */
export interface NewSchedule {
  readonly kind: OperationKind;
  readonly selection: ScheduleSelection;
  readonly timing: ScheduleTiming;
  readonly windowMinutes?: number;
  readonly options?: OperationOptions;
  readonly host?: string;
}

/**
 * How one due time ended. `pending` was taken by a runner that has not reported since:
 * it is still running, or its process stopped before the operation ended.
 */
export type ScheduleOutcome = 'pending' | 'ran' | 'failed' | 'missed';

/** One due time of a schedule and what became of it. */
export interface ScheduleRun {
  readonly dueMs: number;
  readonly outcome: ScheduleOutcome;
  /** When it was taken (run or found missed), or when its result came. */
  readonly atMs: number;
  /** For missed: due times that passed unseen up to and including `dueMs`. */
  readonly missedCount?: number;
  /** Why it failed. */
  readonly message?: string;
}

/** A schedule as listed: where it stands, when it is next due, what its last runs did. */
export interface ScheduleView {
  readonly schedule: Schedule;
  readonly status: 'active' | 'cancelled' | 'finished';
  readonly nextDueMs?: number;
  /** Newest first, a few at most. */
  readonly runs: readonly ScheduleRun[];
}

export const DEFAULT_WINDOW_MINUTES = 15;
/** A daily window must close before the next day's due time, so at most a day less a minute. */
export const MAX_WINDOW_MINUTES = 24 * 60 - 1;
