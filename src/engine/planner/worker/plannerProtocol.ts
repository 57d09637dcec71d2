// The one boundary between the extension host and the planner worker. Both sides import
// this file and nothing else of each other; every message is checked on arrival, because a
// message that crossed a thread is only data until proven otherwise.
import { CONTAINER_STATES, type ContainerSummary } from '../../model/container';
import {
  OPERATION_KINDS,
  type OperationKind,
  type OperationOptions,
} from '../../model/operation';
import type { IndexedPlan, ObservedRates } from '../plan/planTypes';

/** Why the worker refused or failed a request. */
export type PlannerErrorCode =
  | 'MALFORMED_REQUEST'
  | 'SNAPSHOT_MISSING'
  | 'SELECTOR_SYNTAX'
  | 'PLAN_FAILED';

/** An error as data; selector errors also carry where and what was expected. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code: PlannerErrorCode;
  readonly column?: number;
  readonly expected?: string;
}

/**
 * A slice of the container snapshot. A snapshot travels as many of these so that the host
 * never clones 100,000 containers in one synchronous postMessage.
 */
export interface SnapshotChunkMessage {
  readonly type: 'snapshotChunk';
  readonly snapshotVersion: number;
  /** Position of `containers[0]` in the snapshot. */
  readonly offset: number;
  readonly total: number;
  readonly containers: readonly ContainerSummary[];
}

/** Makes the snapshot whose chunks all arrived the one plans refer to. */
export interface CommitSnapshotRequest {
  readonly type: 'commitSnapshot';
  readonly id: number;
  readonly snapshotVersion: number;
  readonly total: number;
}

/** A plan request without its envelope: PlanInput with the snapshot by version. */
export interface PlanRequestBody {
  readonly snapshotVersion: number;
  readonly kind: OperationKind;
  readonly options?: OperationOptions;
  /** Selector text, parsed in the worker. */
  readonly selector?: string;
  readonly ids?: readonly string[];
  readonly nowMs: number;
  readonly observedRates?: ObservedRates;
  readonly sampleSize?: number;
}

/** Plans an operation against a committed snapshot. */
export interface PlanRequest extends PlanRequestBody {
  readonly type: 'plan';
  readonly id: number;
}

/** Checks selector text as the user types, for the input box's message. */
export interface ValidateSelectorRequest {
  readonly type: 'validateSelector';
  readonly id: number;
  readonly text: string;
}

/** Drops a request the host no longer waits for; no reply follows. */
export interface CancelMessage {
  readonly type: 'cancel';
  readonly id: number;
}

/** Everything the host may send the worker. */
export type HostToWorkerMessage =
  | SnapshotChunkMessage
  | CommitSnapshotRequest
  | PlanRequest
  | ValidateSelectorRequest
  | CancelMessage;

/** The outcome of a selector check: its canonical text, or where it goes wrong. */
export type SelectorValidation =
  | { readonly valid: true; readonly canonical: string }
  | {
      readonly valid: false;
      readonly column: number;
      readonly expected: string;
      readonly message: string;
    };

/** The reply to commitSnapshot. */
export interface SnapshotCommittedReply {
  readonly type: 'snapshotCommitted';
  readonly id: number;
  readonly snapshotVersion: number;
  readonly count: number;
}

/** The reply to plan: positions into the snapshot, as typed arrays that copy cheaply. */
export interface PlanReply {
  readonly type: 'planResult';
  readonly id: number;
  readonly snapshotVersion: number;
  readonly plan: IndexedPlan;
}

/** The reply to validateSelector. */
export interface SelectorValidationReply {
  readonly type: 'selectorValidation';
  readonly id: number;
  readonly result: SelectorValidation;
}

/** The reply to any request that failed. */
export interface ErrorReply {
  readonly type: 'error';
  readonly id: number;
  readonly error: WireError;
}

/** Everything the worker may send the host. */
export type WorkerToHostMessage =
  | SnapshotCommittedReply
  | PlanReply
  | SelectorValidationReply
  | ErrorReply;

/** The reply type each request is answered with when it succeeds. */
export interface ReplyFor {
  readonly commitSnapshot: SnapshotCommittedReply;
  readonly plan: PlanReply;
  readonly validateSelector: SelectorValidationReply;
}

const ERROR_CODES: readonly PlannerErrorCode[] = [
  'MALFORMED_REQUEST',
  'SNAPSHOT_MISSING',
  'SELECTOR_SYNTAX',
  'PLAN_FAILED',
];

/** True for a well-formed host-to-worker message; the worker drops anything else. */
export function isHostToWorkerMessage(x: unknown): x is HostToWorkerMessage {
  if (!isRecord(x)) {
    return false;
  }
  switch (x.type) {
    case 'snapshotChunk':
      return (
        isCount(x.snapshotVersion) &&
        isCount(x.offset) &&
        isCount(x.total) &&
        Array.isArray(x.containers) &&
        x.containers.every(isContainerSummary)
      );
    case 'commitSnapshot':
      return isId(x.id) && isCount(x.snapshotVersion) && isCount(x.total);
    case 'plan':
      return isId(x.id) && isPlanRequestBody(x);
    case 'validateSelector':
      return isId(x.id) && typeof x.text === 'string';
    case 'cancel':
      return isId(x.id);
    default:
      return false;
  }
}

/** True for a well-formed worker-to-host message; the host drops anything else. */
export function isWorkerToHostMessage(x: unknown): x is WorkerToHostMessage {
  if (!isRecord(x) || !isId(x.id)) {
    return false;
  }
  switch (x.type) {
    case 'snapshotCommitted':
      return isCount(x.snapshotVersion) && isCount(x.count);
    case 'planResult':
      return isCount(x.snapshotVersion) && isIndexedPlan(x.plan);
    case 'selectorValidation':
      return isSelectorValidation(x.result);
    case 'error':
      return isWireError(x.error);
    default:
      return false;
  }
}

/** The request id of a message that failed validation, when it has a usable one. */
export function messageId(x: unknown): number | undefined {
  return isRecord(x) && isId(x.id) ? x.id : undefined;
}

function isPlanRequestBody(x: Record<string, unknown>): boolean {
  return (
    isCount(x.snapshotVersion) &&
    OPERATION_KINDS.includes(x.kind as OperationKind) &&
    optional(x.options, isOptions) &&
    optional(x.selector, (s) => typeof s === 'string') &&
    optional(x.ids, isStringArray) &&
    isFiniteNumber(x.nowMs) &&
    optional(x.observedRates, isRates) &&
    optional(x.sampleSize, isCount)
  );
}

function isContainerSummary(x: unknown): x is ContainerSummary {
  return (
    isRecord(x) &&
    typeof x.id === 'string' &&
    typeof x.name === 'string' &&
    typeof x.image === 'string' &&
    CONTAINER_STATES.includes(x.state as ContainerSummary['state']) &&
    typeof x.status === 'string' &&
    isRecord(x.labels) &&
    Object.values(x.labels).every((v) => typeof v === 'string') &&
    isFiniteNumber(x.createdMs) &&
    typeof x.host === 'string'
  );
}

function isOptions(x: unknown): x is OperationOptions {
  return (
    isRecord(x) &&
    optional(x.graceSeconds, isFiniteNumber) &&
    optional(x.signal, (s) => typeof s === 'string') &&
    optional(x.force, (f) => typeof f === 'boolean') &&
    optional(x.removeVolumes, (f) => typeof f === 'boolean') &&
    optional(x.concurrency, isFiniteNumber) &&
    optional(x.failureThreshold, isFiniteNumber) &&
    optional(x.dependencyOrder, (f) => typeof f === 'boolean')
  );
}

function isRates(x: unknown): x is ObservedRates {
  return (
    isRecord(x) &&
    Object.values(x).every(
      (perKind) =>
        isRecord(perKind) &&
        Object.entries(perKind).every(
          ([kind, rate]) =>
            OPERATION_KINDS.includes(kind as OperationKind) &&
            optional(rate, isFiniteNumber),
        ),
    )
  );
}

function isIndexedPlan(x: unknown): x is IndexedPlan {
  return (
    isRecord(x) &&
    OPERATION_KINDS.includes(x.kind as OperationKind) &&
    x.targetIndices instanceof Int32Array &&
    x.waves instanceof Int32Array &&
    x.waves.length === x.targetIndices.length &&
    x.chains instanceof Int32Array &&
    x.chains.length === x.targetIndices.length &&
    x.skippedIndices instanceof Int32Array &&
    x.skippedReasons instanceof Uint16Array &&
    x.skippedReasons.length === x.skippedIndices.length &&
    isStringArray(x.reasons) &&
    isStringArray(x.missing) &&
    Array.isArray(x.byHost) &&
    x.byHost.every((h) => isRecord(h) && typeof h.host === 'string' && isCount(h.count)) &&
    isCount(x.batchSize) &&
    optional(x.estimate, isEstimate) &&
    isStringArray(x.sample) &&
    isStringArray(x.warnings)
  );
}

function isEstimate(x: unknown): boolean {
  return (
    isRecord(x) &&
    isFiniteNumber(x.durationMs) &&
    typeof x.basis === 'string' &&
    optional(x.upperBoundMs, isFiniteNumber)
  );
}

function isSelectorValidation(x: unknown): x is SelectorValidation {
  if (!isRecord(x)) {
    return false;
  }
  if (x.valid === true) {
    return typeof x.canonical === 'string';
  }
  return (
    x.valid === false &&
    isCount(x.column) &&
    typeof x.expected === 'string' &&
    typeof x.message === 'string'
  );
}

function isWireError(x: unknown): x is WireError {
  return (
    isRecord(x) &&
    typeof x.name === 'string' &&
    typeof x.message === 'string' &&
    ERROR_CODES.includes(x.code as PlannerErrorCode) &&
    optional(x.column, isCount) &&
    optional(x.expected, (e) => typeof e === 'string')
  );
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isId(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) > 0;
}

function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function optional(x: unknown, check: (value: unknown) => boolean): boolean {
  return x === undefined || check(x);
}
