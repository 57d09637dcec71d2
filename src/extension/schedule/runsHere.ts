import { resolveEndpoint } from '../../engine/docker/resolveEndpoint';
import type { Schedule } from '../../engine/schedule/scheduleTypes';
import type { EngineConnection } from '../connection/engineConnection';

/**
 * Whether this window can run `schedule` now: it is connected, and to the schedule's
 * engine when the schedule names one. Otherwise the due time is left to another window or
 * to `stevedore schedule run`, rather than taken and failed here.
 */
export function runsHere(connection: EngineConnection, schedule: Schedule): boolean {
  const session = connection.session;
  if (session === undefined || connection.state !== 'connected') return false;
  if (schedule.host === undefined) return true;

  try {
    const wanted = resolveEndpoint({ host: schedule.host, env: {} }).label;
    return wanted === session.location.endpoint.label;
  } catch {
    return false;
  }
}
