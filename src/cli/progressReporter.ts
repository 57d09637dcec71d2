import cliProgress from 'cli-progress';

import type { ProgressSnapshot } from '../engine/model/operation';

/** Shows an operation's progress: a bar on a terminal, a line every few seconds otherwise. */
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

class BarReporter implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;
  private started = false;

  constructor(stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          '{kind} [{bar}] {value}/{total} | ok {succeeded} skip {skipped} fail {failed} ' +
          '| {rate}/s | ETA {eta_text}',
        hideCursor: true,
        barsize: 30,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(s: ProgressSnapshot): void {
    const done = s.total - s.counts.queued - s.counts.running;
    const payload = {
      kind: s.kind,
      succeeded: s.counts.succeeded,
      skipped: s.counts.skipped,
      failed: s.counts.failed,
      rate: s.ratePerSecond.toFixed(1),
      eta_text: formatEta(s),
    };
    if (!this.started) {
      this.bar.start(s.total, done, payload);
      this.started = true;
    } else {
      this.bar.update(done, payload);
    }
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}

class LineReporter implements ProgressReporter {
  private lastMs = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(s: ProgressSnapshot): void {
    const now = Date.now();
    if (now - this.lastMs < 2000 && s.counts.queued + s.counts.running > 0) return;
    this.lastMs = now;
    const done = s.total - s.counts.queued - s.counts.running;
    this.stream.write(
      `${s.kind}: ${done}/${s.total} done, ${s.counts.failed} failed, ` +
        `${s.ratePerSecond.toFixed(1)}/s, ETA ${formatEta(s)}` +
        (s.engineProblem ? ` (${s.engineProblem})` : '') +
        '\n',
    );
  }

  stop(): void {
    // Nothing to tidy: every line is already complete.
  }
}

function formatEta(s: ProgressSnapshot): string {
  if (s.engineProblem) return 'engine not answering';
  if (s.etaMs === undefined) return '?';
  const seconds = Math.round(s.etaMs / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
}
