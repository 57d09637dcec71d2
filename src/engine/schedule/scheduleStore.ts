import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Logger } from '../util/logger';
import { parseScheduleLine, type ScheduleLine } from './scheduleLine';
import type { Schedule } from './scheduleTypes';

export const SCHEDULES_FILE = 'schedules.jsonl';

/** The runner that took one due time, and whether to run it or to record it missed. */
export interface ScheduleClaim {
  readonly owner: string;
  readonly action: 'run' | 'miss';
  readonly missedCount?: number;
  readonly atMs: number;
}

/** How a run that was taken ended. */
export interface ScheduleResult {
  readonly outcome: 'ran' | 'failed';
  readonly message?: string;
  readonly atMs: number;
}

/** A schedule and everything the file says happened to it. */
export interface ScheduleState {
  readonly schedule: Schedule;
  readonly cancelledMs?: number;
  /** By due time; the first claim in the file wins, later ones lost the race. */
  readonly claims: ReadonlyMap<number, ScheduleClaim>;
  readonly results: ReadonlyMap<number, ScheduleResult>;
  /** The latest due time any runner took, run or missed. */
  readonly handledThroughMs?: number;
}

/**
 * `schedules.jsonl` in the history folder. Every process that runs schedules (the
 * extension in each window, `stevedore schedule run`) appends to it and reads it whole:
 * appends of one short line are atomic on a local disk, so the file's order is the order
 * of events for all of them, and the first claim of a due time decides who runs it.
 * Unreadable lines are skipped with one warning. The file is never rewritten, since a
 * rewrite could drop a line another process appends meanwhile; it grows by two short lines
 * per due time, about 100 kB a year for a daily schedule.
 */
export class ScheduleStore {
  readonly file: string;
  private badLinesWarned = 0;

  constructor(readonly dir: string, private readonly log: Logger) {
    this.file = join(dir, SCHEDULES_FILE);
  }

  /** Every schedule with what happened to it, by id. */
  async read(): Promise<Map<string, ScheduleState>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }

    const lines: ScheduleLine[] = [];
    const raw = text.split('\n');
    // Text after the last newline is a line a writer never finished, or nothing.
    raw.pop();
    let bad = 0;
    for (const line of raw) {
      if (line.trim() === '') continue;
      const parsed = parseScheduleLine(line);
      if (parsed) lines.push(parsed);
      else bad += 1;
    }
    if (bad > this.badLinesWarned) {
      this.badLinesWarned = bad;
      this.log.warn(`Schedules: skipped ${bad} unreadable line(s) in ${this.file}`);
    }
    return fold(lines);
  }

  /** Appends lines in one write, after a newline if a crash left the last line unfinished. */
  async append(lines: readonly ScheduleLine[]): Promise<void> {
    if (lines.length === 0) return;
    await mkdir(this.dir, { recursive: true });
    const text = lines.map((line) => JSON.stringify(line) + '\n').join('');
    const prefix = (await this.endsOpen()) ? '\n' : '';
    await appendFile(this.file, prefix + text);
  }

  private async endsOpen(): Promise<boolean> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size === 0) return false;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return last[0] !== 0x0a;
    } finally {
      await handle.close();
    }
  }
}

interface MutableState {
  schedule: Schedule;
  cancelledMs?: number;
  claims: Map<number, ScheduleClaim>;
  results: Map<number, ScheduleResult>;
  handledThroughMs?: number;
}

function fold(lines: readonly ScheduleLine[]): Map<string, ScheduleState> {
  const states = new Map<string, MutableState>();
  for (const line of lines) {
    if (line.t === 'add') {
      const { schedule } = line;
      if (!states.has(schedule.id)) {
        states.set(schedule.id, { schedule, claims: new Map(), results: new Map() });
      }
      continue;
    }

    const state = states.get(line.id);
    if (!state) continue;
    if (line.t === 'cancel') {
      state.cancelledMs ??= line.atMs;
    } else if (line.t === 'claim') {
      if (state.claims.has(line.dueMs)) continue;
      const { owner, action, missedCount, atMs } = line;
      state.claims.set(line.dueMs, { owner, action, missedCount, atMs });
      state.handledThroughMs = Math.max(state.handledThroughMs ?? line.dueMs, line.dueMs);
    } else {
      const { outcome, message, atMs } = line;
      state.results.set(line.dueMs, { outcome, message, atMs });
    }
  }
  return states;
}
