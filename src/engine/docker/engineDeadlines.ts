/**
 * Milliseconds each kind of engine call may take before it counts as unanswered. Debian's
 * dockerd can deadlock and never answer, so no call is ever made without one of these.
 * Stop and restart add the grace period on top, since the engine waits it out first.
 */
export interface EngineDeadlines {
  readonly ping: number;
  readonly list: number;
  readonly inspect: number;
  readonly start: number;
  readonly stop: number;
  readonly restart: number;
  readonly kill: number;
  readonly pause: number;
  readonly unpause: number;
  readonly remove: number;
}

/** Generous enough for a daemon busy with hundreds of starts on two cores. */
export const DEFAULT_DEADLINES: EngineDeadlines = {
  ping: 5_000,
  list: 30_000,
  inspect: 15_000,
  start: 90_000,
  stop: 60_000,
  restart: 120_000,
  kill: 30_000,
  pause: 30_000,
  unpause: 30_000,
  remove: 60_000,
};
