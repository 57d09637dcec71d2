import cliProgress from 'cli-progress';

import type { HostProgress, ProgressSnapshot } from '../engine/model/operation';

/**
 * Shows an operation's progress: bars on a terminal, lines every few seconds otherwise.
 * When the operation spans several engines, each gets its own bar or line under the total.
 */
export interface ProgressReporter {
  update(snapshot: ProgressSnapshot): void;
  stop(): void;
}

/** Picks the reporter that fits the output stream. */
export function createProgressReporter(
  stream: NodeJS.WriteStream,
  quiet: boolean,
): ProgressReporter {
  if (stream.isTTY) return new BarReporter(stream);
  if (quiet) return { update: () => undefined, stop: () => undefined };
  return new LineReporter(stream);
}

const TOTAL_FORMAT =
  '{kind} [{bar}] {value}/{total} | ok {succeeded} skip {skipped} fail {failed} ' +
  '| {rate}/s | ETA {eta_text}';
const HOST_FORMAT =
  '  {host} [{bar}] {value}/{total} | ok {succeeded} skip {skipped} fail {failed} ' +
  '| {rate}/s{problem}';

class BarReporter implements ProgressReporter {
  private readonly bars: cliProgress.MultiBar;
  private total: cliProgress.SingleBar | undefined;
  private readonly hostBars = new Map<string, cliProgress.SingleBar>();

  constructor(stream: NodeJS.WriteStream) {
    this.bars = new cliProgress.MultiBar(
      { stream, format: TOTAL_FORMAT, hideCursor: true, barsize: 30, fps: 10 },
      cliProgress.Presets.shades_classic,
    );
  }

  update(s: ProgressSnapshot): void {
    const payload = {
      kind: s.kind,
      succeeded: s.counts.succeeded,
      skipped: s.counts.skipped,
      failed: s.counts.failed,
      rate: s.ratePerSecond.toFixed(1),
      eta_text: formatEta(s),
    };
    if (this.total === undefined) this.total = this.bars.create(s.total, doneOf(s), payload);
    else this.total.update(doneOf(s), payload);

    for (const h of s.hosts ?? []) {
      const hostPayload = {
        host: h.host,
        succeeded: h.counts.succeeded,
        skipped: h.counts.skipped,
        failed: h.counts.failed,
        rate: h.ratePerSecond.toFixed(1),
        problem: hostProblem(h),
      };
      const bar = this.hostBars.get(h.host);
      if (bar === undefined) {
        const created = this.bars.create(h.total, doneOf(h), hostPayload, { format: HOST_FORMAT });
        this.hostBars.set(h.host, created);
      } else {
        bar.update(doneOf(h), hostPayload);
      }
    }
  }

  stop(): void {
    if (this.total !== undefined) this.bars.stop();
  }
}

class LineReporter implements ProgressReporter {
  private lastMs = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(s: ProgressSnapshot): void {
    const now = Date.now();
    if (now - this.lastMs < 2000 && s.counts.queued + s.counts.running > 0) return;
    this.lastMs = now;
    let text =
      `${s.kind}: ${doneOf(s)}/${s.total} done, ${s.counts.failed} failed, ` +
      `${s.ratePerSecond.toFixed(1)}/s, ETA ${formatEta(s)}` +
      (s.engineProblem ? ` (${s.engineProblem})` : '') +
      '\n';
    for (const h of s.hosts ?? []) {
      text +=
        `  ${h.host}: ${doneOf(h)}/${h.total} done, ${h.counts.failed} failed, ` +
        `${h.ratePerSecond.toFixed(1)}/s${hostProblem(h)}\n`;
    }
    this.stream.write(text);
  }

  stop(): void {
    // Nothing to tidy: every line is already complete.
  }
}

function doneOf(s: Pick<ProgressSnapshot | HostProgress, 'total' | 'counts'>): number {
  return s.total - s.counts.queued - s.counts.running;
}

// The guard's reason first: it is what holds the host until someone decides.
function hostProblem(h: HostProgress): string {
  if (h.guardReason) return ` | held: ${h.guardReason}`;
  if (h.engineProblem) return ` | ${h.engineProblem}`;
  return '';
}

function formatEta(s: ProgressSnapshot): string {
  if (s.engineProblem) return 'engine not answering';
  if (s.etaMs === undefined) return '?';
  const seconds = Math.round(s.etaMs / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
}
