import type { ContainerSummary } from '../../model/container';
import { planIndexed } from '../plan/planIndexed';
import { describeSelector } from '../selector/describeSelector';
import { parseSelector } from '../selector/parseSelector';
import { isSelectorSyntaxError } from '../selector/selectorSyntaxError';
import type { Selector } from '../selector/selectorTypes';
import {
  isHostToWorkerMessage,
  messageId,
  type HostToWorkerMessage,
  type PlanRequest,
  type SelectorValidation,
  type WireError,
  type WorkerToHostMessage,
} from './plannerProtocol';

/** Sends a reply, moving the listed buffers instead of copying them. */
export type PostReply = (message: WorkerToHostMessage, transfer: ArrayBuffer[]) => void;

interface Snapshot {
  readonly version: number;
  readonly containers: ContainerSummary[];
}

interface IncomingSnapshot extends Snapshot {
  received: number;
  broken: boolean;
}

type QueuedMessage = Exclude<HostToWorkerMessage, { type: 'cancel' }>;

/**
 * The planner worker's logic without the thread: it assembles snapshots from chunks, keeps
 * the latest committed one, and answers requests in arrival order.
 */
export class PlannerService {
  private snapshot: Snapshot | undefined;
  private incoming: IncomingSnapshot | undefined;
  private readonly queue: QueuedMessage[] = [];
  private scheduled = false;

  constructor(private readonly post: PostReply) {}

  /** Takes one message as it arrived; malformed ones are dropped or answered with an error. */
  handle(raw: unknown): void {
    if (!isHostToWorkerMessage(raw)) {
      const id = messageId(raw);
      if (id !== undefined) {
        this.fail(id, { code: 'MALFORMED_REQUEST', message: 'Malformed planner request' });
      }
      return;
    }

    if (raw.type === 'cancel') {
      const at = this.queue.findIndex((m) => m.type !== 'snapshotChunk' && m.id === raw.id);
      if (at >= 0) {
        this.queue.splice(at, 1);
      }
      return;
    }

    this.queue.push(raw);
    this.schedule();
  }

  // Work is taken one message per event-loop turn, so a cancel sent right after a request
  // is seen before the request runs.
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) {
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const message = this.queue.shift();
      if (message !== undefined) {
        this.processSafely(message);
      }
      this.schedule();
    });
  }

  // A bug must cost one request, not the worker and every request waiting behind it.
  private processSafely(message: QueuedMessage): void {
    try {
      this.process(message);
    } catch (error) {
      if (message.type !== 'snapshotChunk') {
        const text = error instanceof Error ? error.message : String(error);
        this.fail(message.id, { code: 'PLAN_FAILED', message: text });
      }
    }
  }

  private process(message: QueuedMessage): void {
    switch (message.type) {
      case 'snapshotChunk':
        this.addChunk(message.snapshotVersion, message.offset, message.total, message.containers);
        return;
      case 'commitSnapshot':
        this.commit(message.id, message.snapshotVersion, message.total);
        return;
      case 'plan':
        this.plan(message);
        return;
      case 'validateSelector': {
        const result = validate(message.text);
        this.post({ type: 'selectorValidation', id: message.id, result }, []);
        return;
      }
    }
  }

  // A chunk of a newer version replaces whatever was being assembled: the host uploads one
  // snapshot at a time, so an unfinished older one was abandoned.
  private addChunk(
    version: number,
    offset: number,
    total: number,
    containers: readonly ContainerSummary[],
  ): void {
    if (this.incoming?.version !== version) {
      this.incoming = { version, containers: new Array(total), received: 0, broken: false };
    }
    const incoming = this.incoming;
    if (incoming.containers.length !== total || offset + containers.length > total) {
      incoming.broken = true;
      return;
    }
    for (let i = 0; i < containers.length; i++) {
      incoming.containers[offset + i] = containers[i]!;
    }
    incoming.received += containers.length;
  }

  private commit(id: number, version: number, total: number): void {
    const incoming = this.incoming;
    if (total === 0 && incoming?.version !== version) {
      this.snapshot = { version, containers: [] };
    } else if (incoming?.version === version && !incoming.broken && incoming.received === total) {
      this.snapshot = { version, containers: incoming.containers };
      this.incoming = undefined;
    } else if (this.snapshot?.version !== version) {
      const message = `Snapshot ${version} is incomplete: upload it again`;
      this.fail(id, { code: 'SNAPSHOT_MISSING', message });
      return;
    }
    this.post({ type: 'snapshotCommitted', id, snapshotVersion: version, count: total }, []);
  }

  private plan(request: PlanRequest): void {
    const snapshot = this.snapshot;
    if (snapshot?.version !== request.snapshotVersion) {
      const message = `Snapshot ${request.snapshotVersion} is not loaded: upload it first`;
      this.fail(request.id, { code: 'SNAPSHOT_MISSING', message });
      return;
    }

    let selector: Selector | undefined;
    try {
      selector = request.selector === undefined ? undefined : parseSelector(request.selector);
    } catch (error) {
      this.fail(request.id, selectorError(error));
      return;
    }

    const plan = planIndexed({ ...request, containers: snapshot.containers, selector });
    // Moving the buffers spares a copy; a Set because moving one buffer twice throws.
    const buffers = new Set([
      plan.targetIndices.buffer,
      plan.waves.buffer,
      plan.chains.buffer,
      plan.skippedIndices.buffer,
      plan.skippedReasons.buffer,
    ]);
    const transfer = [...buffers].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    this.post(
      { type: 'planResult', id: request.id, snapshotVersion: snapshot.version, plan },
      transfer,
    );
  }

  private fail(id: number, error: Omit<WireError, 'name'> & { name?: string }): void {
    this.post({ type: 'error', id, error: { name: 'PlannerRequestError', ...error } }, []);
  }
}

function validate(text: string): SelectorValidation {
  try {
    return { valid: true, canonical: describeSelector(parseSelector(text)) };
  } catch (error) {
    if (!isSelectorSyntaxError(error)) {
      throw error;
    }
    return { valid: false, column: error.column, expected: error.expected, message: error.message };
  }
}

function selectorError(error: unknown): WireError {
  if (isSelectorSyntaxError(error)) {
    return {
      name: error.name,
      message: error.message,
      code: 'SELECTOR_SYNTAX',
      column: error.column,
      expected: error.expected,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'PlannerRequestError', message, code: 'PLAN_FAILED' };
}
