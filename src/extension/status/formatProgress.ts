import type { ProgressSnapshot } from '../../engine/model/operation';

/** What a progress display shows of a snapshot: percent done and a short line of counts. */
export interface ProgressText {
  readonly percent: number;
  /** Such as "120/1000 · 3 failed · 40/s". */
  readonly message: string;
}

/** Formats a snapshot for the notification and the status bar, the same way in both. */
export function formatProgress(s: ProgressSnapshot): ProgressText {
  const done = s.total - s.counts.queued - s.counts.running;
  const percent = s.total === 0 ? 100 : (done / s.total) * 100;
  const parts = [`${done}/${s.total}`];
  if (s.counts.failed > 0) parts.push(`${s.counts.failed} failed`);
  if (s.status === 'guarded') parts.push('paused by the failure guard');
  else if (s.status === 'rollingBack') parts.push('rolling back');
  if (s.engineProblem !== undefined) parts.push('engine not answering');
  else if (s.ratePerSecond > 0) parts.push(`${s.ratePerSecond}/s`);
  return { percent, message: parts.join(' · ') };
}
