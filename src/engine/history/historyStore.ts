import { appendFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ItemRecord, OperationRecord, OperationStatus } from '../model/operation';
import { FINAL_OPERATION_STATUSES } from '../model/operation';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/logger';
import { SILENT_LOGGER } from '../util/logger';
import { type HistoryLine, parseHistoryLine } from './historyLine';

/** Options for a history folder. */
export interface HistoryStoreOptions {
  /** The file is compacted to about half this size when it grows past it. */
  readonly maxBytes?: number;
  /** How long item updates are gathered before one append, in milliseconds. */
  readonly flushDelayMs?: number;
  readonly log?: Logger;
}

/** What loading found. */
export interface HistoryLoad {
  readonly operations: OperationRecord[];
  /** One sentence per problem, for the user; empty when the file was sound. */
  readonly warnings: string[];
}

export const HISTORY_FILE = 'history.jsonl';
export const DEFAULT_HISTORY_MAX_BYTES = 16 * 1024 * 1024;

interface MutableOperation {
  record: Omit<OperationRecord, 'items'>;
  items: Map<string, ItemRecord>;
}

/**
 * The operation history, as append-only JSON Lines in a folder the caller owns. Item
 * updates are gathered for a moment and appended in one write. A torn last line (a crash
 * mid-write) is dropped; garbled lines elsewhere are moved aside to a `.corrupt` file
 * with one warning. Past `maxBytes` the file is rewritten with the newest operations.
 * A failing disk never stops an operation: the store warns once and tries again later.
 */
export class HistoryStore {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly flushDelayMs: number;
  private readonly log: Logger;
  private readonly operations = new Map<string, MutableOperation>();
  private pendingLines: string[] = [];
  private readonly pendingItems = new Map<string, Map<string, ItemRecord>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private size = 0;
  private failing = false;
  /** Unreadable lines `load` found and could not yet write aside; kept until it can. */
  private unreadable: string[] = [];
  private readonly warning = new Emitter<string>();

  /** Fires once per episode of failing writes, with a sentence for the user. */
  readonly onWarning = this.warning.event;

  constructor(readonly dir: string, options: HistoryStoreOptions = {}) {
    this.file = join(dir, HISTORY_FILE);
    this.maxBytes = options.maxBytes ?? DEFAULT_HISTORY_MAX_BYTES;
    this.flushDelayMs = options.flushDelayMs ?? 250;
    this.log = options.log ?? SILENT_LOGGER;
  }

  /**
   * Reads the file. Operations that were not finished when it was last written come back
   * as they were; the caller decides to call them interrupted (see `markInterrupted`).
   */
  async load(): Promise<HistoryLoad> {
    await mkdir(this.dir, { recursive: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { operations: [], warnings: [] };
      }
      throw error;
    }

    const warnings: string[] = [];
    const lines = text.split('\n');
    // Text after the last newline is a line the writer never finished, or nothing.
    const torn = lines.pop();
    const bad: string[] = [];
    this.operations.clear();
    for (const line of lines) {
      if (line.trim() === '') continue;
      const parsed = parseHistoryLine(line);
      if (parsed) this.apply(parsed);
      else bad.push(line);
    }

    if (torn && torn.trim() !== '') {
      const parsed = parseHistoryLine(torn);
      if (parsed) this.apply(parsed);
      else this.log.info(`History: dropped an incomplete last line (${torn.length} bytes)`);
    }
    this.size = Buffer.byteLength(text);
    this.unreadable = bad;
    if (bad.length > 0 || (torn !== undefined && torn !== '')) {
      try {
        const aside = await this.moveUnreadableAside();
        if (aside) {
          warnings.push(
            `Stevedore's history had ${bad.length} unreadable line(s); they were moved to ` +
              `${aside} and the rest of the history was loaded.`,
          );
        }
        // Rewrite so the next append does not continue a broken line.
        await this.compact();
      } catch (error) {
        // A full or read-only disk must not stop operations. The file stays as it is, so
        // nothing in it is lost; the next write rewrites it whole (see `append`), moving the
        // unreadable lines aside first, once the disk allows.
        this.failing = true;
        warnings.push(
          `Stevedore's history in ${this.file} is damaged and could not be repaired ` +
            `(${String(error)}); the rest of it was loaded, and it will be repaired when ` +
            'the disk allows.',
        );
      }
    }
    return { operations: this.list(), warnings };
  }

  /** Every stored operation, newest first. */
  list(): OperationRecord[] {
    return [...this.operations.values()]
      .map(toRecord)
      .sort((a, b) => b.createdMs - a.createdMs);
  }

  get(id: string): OperationRecord | undefined {
    const op = this.operations.get(id);
    return op ? toRecord(op) : undefined;
  }

  /** Stores a whole operation, as when it is submitted. */
  recordOperation(record: OperationRecord): void {
    this.apply({ v: 1, t: 'op', op: record });
    this.pendingItems.delete(record.id);
    this.enqueue({ v: 1, t: 'op', op: record });
  }

  /** Stores an item's new state; updates within the flush delay share one write. */
  recordItem(operationId: string, item: ItemRecord): void {
    const op = this.operations.get(operationId);
    if (!op) return;
    op.items.set(item.id, item);
    let pending = this.pendingItems.get(operationId);
    if (!pending) {
      pending = new Map();
      this.pendingItems.set(operationId, pending);
    }
    pending.set(item.id, item);
    this.scheduleFlush();
  }

  /** Stores an operation's status and times. */
  recordStatus(
    id: string,
    status: OperationStatus,
    times: { startedMs?: number; endedMs?: number; priority?: number } = {},
  ): void {
    const line: HistoryLine = { v: 1, t: 'status', id, status, ...times };
    this.apply(line);
    this.flushItemsOf(id);
    this.enqueue(line);
  }

  /** Marks operations that were running when the process died as interrupted. */
  markInterrupted(): OperationRecord[] {
    const interrupted: OperationRecord[] = [];
    for (const op of this.operations.values()) {
      if (!FINAL_OPERATION_STATUSES.has(op.record.status)) {
        this.recordStatus(op.record.id, 'interrupted');
        interrupted.push(toRecord(op));
      }
    }
    return interrupted;
  }

  /** Forgets every finished operation; unfinished ones are kept. */
  async clear(): Promise<void> {
    for (const [id, op] of this.operations) {
      if (FINAL_OPERATION_STATUSES.has(op.record.status) && op.record.status !== 'interrupted') {
        this.operations.delete(id);
      }
    }
    await this.flush();
    await this.compact();
  }

  /** Writes everything pending; resolves when it is on disk (or the write failed). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const id of [...this.pendingItems.keys()]) this.flushItemsOf(id);
    const lines = this.pendingLines;
    this.pendingLines = [];
    if (lines.length > 0) {
      this.writing = this.writing.then(() => this.append(lines.join('')));
    }
    await this.writing;
  }

  private flushItemsOf(id: string): void {
    const pending = this.pendingItems.get(id);
    if (!pending || pending.size === 0) return;
    this.pendingItems.delete(id);
    this.pendingLines.push(serialize({ v: 1, t: 'items', id, items: [...pending.values()] }));
  }

  private enqueue(line: HistoryLine): void {
    this.pendingLines.push(serialize(line));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), this.flushDelayMs);
    this.flushTimer.unref?.();
  }

  private async append(text: string): Promise<void> {
    try {
      if (this.failing) {
        // Lines were lost while the disk failed: rewrite the whole state instead.
        await this.compact();
      } else {
        await appendFile(this.file, text);
        this.size += Buffer.byteLength(text);
      }
      if (this.failing) {
        this.failing = false;
        this.log.info('History: writing works again');
      }
      if (this.size > this.maxBytes) await this.compact();
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        const message = `Stevedore cannot write its history to ${this.file}: ${String(error)}. ` +
          'Operations still run; history will be written again when the disk allows it.';
        this.log.warn(message);
        this.warning.fire(message);
      }
    }
  }

  /** Writes the unreadable lines `load` found to a file of their own; returns its path. */
  private async moveUnreadableAside(): Promise<string | undefined> {
    if (this.unreadable.length === 0) return undefined;
    const aside = join(this.dir, `history.corrupt-${Date.now()}.jsonl`);
    try {
      await writeFile(aside, this.unreadable.join('\n') + '\n');
    } catch (error) {
      await rm(aside, { force: true }).catch(() => undefined);
      throw error;
    }
    this.unreadable = [];
    return aside;
  }

  /** Rewrites the file with the newest operations, within half the size limit. */
  private async compact(): Promise<void> {
    // Lines that could not be read are never dropped by a rewrite before they are kept aside.
    await this.moveUnreadableAside();
    const budget = this.maxBytes / 2;
    const kept: string[] = [];
    let bytes = 0;
    let full = false;
    for (const record of this.list()) {
      const line = serialize({ v: 1, t: 'op', op: record });
      const unfinished = !FINAL_OPERATION_STATUSES.has(record.status);
      // Once one operation does not fit, no older finished one is kept either, even a small
      // one that would: the history keeps its newest stretch, without holes.
      full ||= bytes + Buffer.byteLength(line) > budget && kept.length > 0;
      if (full && !unfinished) continue;
      kept.push(line);
      bytes += Buffer.byteLength(line);
    }

    const keptIds = new Set(kept.map((l) => (JSON.parse(l) as { op: { id: string } }).op.id));
    for (const id of [...this.operations.keys()]) {
      if (!keptIds.has(id)) this.operations.delete(id);
    }

    const tmp = `${this.file}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(kept.reverse().join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    this.size = (await stat(this.file)).size;
    this.log.debug(`History: compacted to ${kept.length} operations, ${this.size} bytes`);
  }

  private apply(line: HistoryLine): void {
    switch (line.t) {
      case 'op': {
        const { items, ...record } = line.op;
        this.operations.set(record.id, {
          record,
          items: new Map(items.map((item) => [item.id, item])),
        });
        return;
      }
      case 'items': {
        const op = this.operations.get(line.id);
        if (!op) return;
        for (const item of line.items) op.items.set(item.id, item);
        return;
      }
      case 'status': {
        const op = this.operations.get(line.id);
        if (!op) return;
        op.record = {
          ...op.record,
          status: line.status,
          startedMs: line.startedMs ?? op.record.startedMs,
          endedMs: line.endedMs ?? op.record.endedMs,
          priority: line.priority ?? op.record.priority,
        };
        return;
      }
    }
  }
}

function toRecord(op: MutableOperation): OperationRecord {
  return { ...op.record, items: [...op.items.values()] };
}

function serialize(line: HistoryLine): string {
  return JSON.stringify(line) + '\n';
}
