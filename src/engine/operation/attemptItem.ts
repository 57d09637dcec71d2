import type { ContainerEngine } from '../docker/containerEngine';
import { ConflictError, NotFoundError, NotModifiedError } from '../docker/engineErrors';
import type { OperationKind, OperationOptions } from '../model/operation';
import { performStep, rollbackSteps, showsDone, type ActionStep } from './itemActions';
import type { OperationItem } from './operationItem';

/** The operation's phase decides which action each item gets. */
export type Phase = 'forward' | 'rollback';

/** How one attempt ended, before retries are considered. */
export type AttemptOutcome = 'succeeded' | 'skipped';

/**
 * One request for one item (or two, for rollbacks that restore a pause). After a lost
 * answer the item is `uncertain`, and the container is looked at first, so that work the
 * engine already did is neither done twice nor failed as "not found".
 */
export async function attemptItem(
  adapter: ContainerEngine,
  phase: Phase,
  kind: OperationKind,
  options: OperationOptions,
  item: OperationItem,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  if (phase === 'rollback') {
    for (const step of rollbackSteps(kind, item.before)) {
      await tolerate(adapter, step, options, item, signal);
    }
    return 'succeeded';
  }

  if (item.uncertain && (await alreadyDone(adapter, kind, item, signal))) {
    return 'succeeded';
  }
  try {
    await performStep(adapter, kind, item.id, options, signal);
    return 'succeeded';
  } catch (error) {
    if (error instanceof NotModifiedError) {
      // After a lost answer, a 304 means our own earlier request did the work.
      if (item.uncertain) return 'succeeded';
      item.reason = 'already in the requested state';
      return 'skipped';
    }
    throw error;
  }
}

/** Runs a rollback step, treating "already there" answers as success. */
async function tolerate(
  adapter: ContainerEngine,
  step: ActionStep,
  options: OperationOptions,
  item: OperationItem,
  signal: AbortSignal,
): Promise<void> {
  try {
    await performStep(adapter, step, item.id, options, signal);
  } catch (error) {
    if (error instanceof NotModifiedError) return;
    if (error instanceof ConflictError) {
      const inspected = await adapter.inspect(item.id, signal);
      if (showsDone(step, inspected.state)) return;
    }
    throw error;
  }
}

async function alreadyDone(
  adapter: ContainerEngine,
  kind: OperationKind,
  item: OperationItem,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    const inspected = await adapter.inspect(item.id, signal);
    return showsDone(kind, inspected.state);
  } catch (error) {
    if (error instanceof NotFoundError) return showsDone(kind, undefined);
    throw error;
  }
}
