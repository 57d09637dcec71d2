import type { ErrorInfo } from '../model/operation';
import { isAbortError } from '../util/abort';
import { abortedByDeadline } from '../util/deadline';

/** Codes for every kind of engine failure Stevedore tells apart. */
export type EngineErrorCode =
  | 'NOT_MODIFIED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'PERMISSION'
  | 'SERVER'
  | 'BAD_REQUEST'
  | 'OTHER';

/** Any failure of an engine call, with whether trying the same call again can help. */
export class EngineError extends Error {
  override readonly name: string = 'EngineError';

  constructor(
    message: string,
    readonly code: EngineErrorCode,
    readonly retryable: boolean,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The error as plain data, for records, messages and JSON output. */
  toInfo(): ErrorInfo {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** 304: the container was already in the asked-for state; the item needed nothing. */
export class NotModifiedError extends EngineError {
  override readonly name = 'NotModifiedError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'NOT_MODIFIED', false, 304, options);
  }
}

/** 404: no such container (removed by someone else, or never there). */
export class NotFoundError extends EngineError {
  override readonly name = 'NotFoundError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'NOT_FOUND', false, 404, options);
  }
}

/** 409: the container's state forbids the action (pause twice, kill a stopped one). */
export class ConflictError extends EngineError {
  override readonly name = 'ConflictError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'CONFLICT', false, 409, options);
  }
}

/** The engine could not be reached at all: no socket, refused, reset. */
export class EngineUnreachableError extends EngineError {
  override readonly name = 'EngineUnreachableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'UNREACHABLE', true, undefined, options);
  }
}

/** The engine did not answer before the call's deadline; it may still act on the request. */
export class EngineTimeoutError extends EngineError {
  override readonly name = 'EngineTimeoutError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'TIMEOUT', true, undefined, options);
  }
}

/** The socket or endpoint refused us for lack of rights; retrying cannot help. */
export class EnginePermissionError extends EngineError {
  override readonly name = 'EnginePermissionError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PERMISSION', false, undefined, options);
  }
}

/** True when `error` says the engine could not be reached or did not answer in time. */
export function isEngineDown(error: unknown): boolean {
  return error instanceof EngineUnreachableError || error instanceof EngineTimeoutError;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_SOCKET_CLOSED',
]);

/** Codes Node gives a failed TLS handshake or certificate check. */
const TLS_FAILURE = /^(EPROTO|ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

interface ErrorLike {
  readonly message?: unknown;
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly json?: unknown;
  readonly reason?: unknown;
}

/**
 * Turns whatever dockerode, docker-modem or Node threw into one of the typed errors above.
 * This is the only place that reads Docker status codes. `what` names the call for messages;
 * `deadlineSignal` tells a deadline apart from a caller's cancellation.
 */
export function toEngineError(
  error: unknown,
  what: string,
  deadlineSignal?: AbortSignal,
): EngineError | Error {
  if (error instanceof EngineError) {
    return error;
  }

  if (isAbortError(error) || deadlineSignal?.aborted) {
    if (deadlineSignal && abortedByDeadline(deadlineSignal)) {
      return new EngineTimeoutError(`${what}: the engine did not answer in time`, {
        cause: error,
      });
    }
    // The caller cancelled: callers must see an abort, never a failure.
    return isAbortError(error) ? (error as Error) : abortFrom(error);
  }

  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const engineMessage = readEngineMessage(e);
  const message = `${what}: ${engineMessage}`;

  if (status !== undefined) {
    if (status === 304 || alreadyThere(what, status, engineMessage)) {
      return new NotModifiedError(message, { cause: error });
    }
    if (status === 404) return new NotFoundError(message, { cause: error });
    if (status === 409) return new ConflictError(message, { cause: error });
    if (status === 400) {
      return new EngineError(message, 'BAD_REQUEST', false, status, { cause: error });
    }
    if (status === 401 || status === 403) {
      return new EnginePermissionError(message, { cause: error });
    }
    if (status >= 500) return new EngineError(message, 'SERVER', true, status, { cause: error });
    return new EngineError(message, 'OTHER', false, status, { cause: error });
  }

  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'EACCES' || code === 'EPERM') {
    return new EnginePermissionError(
      `${what}: permission denied on the engine's socket (${engineMessage})`,
      { cause: error },
    );
  }
  if (code !== undefined && TLS_FAILURE.test(code)) {
    // OpenSSL's own text names a source file and line; its reason is what a user can act on.
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(engineMessage)?.[1] ?? engineMessage;
    return new EngineError(
      `${what}: the TLS handshake with the engine failed (${reason}); check that the engine ` +
        'uses TLS and that DOCKER_CERT_PATH holds its CA',
      'OTHER',
      false,
      undefined,
      { cause: error },
    );
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return new EngineTimeoutError(`${what}: the engine did not answer in time`, { cause: error });
  }
  if ((code && UNREACHABLE_CODES.has(code)) || /socket hang up/i.test(engineMessage)) {
    return new EngineUnreachableError(`${what}: cannot reach the engine (${engineMessage})`, {
      cause: error,
    });
  }
  return new EngineError(message, 'OTHER', false, undefined, { cause: error });
}

/** The error as plain data, whatever it is. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof EngineError) {
    return error.toInfo();
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, code: 'OTHER', message: e.message, retryable: false };
}

function abortFrom(error: unknown): Error {
  const abort = new Error('The operation was aborted', { cause: error });
  abort.name = 'AbortError';
  return abort;
}

/**
 * Docker answers some "nothing to do" cases with an error instead of 304: pause of a paused
 * container (409), unpause of one that is not paused (500), kill of one that is not running
 * (409). Read as errors they would be retried or failed although the container already is
 * where the user wanted it.
 */
function alreadyThere(what: string, status: number, message: string): boolean {
  const verb = what.split(' ', 1)[0];
  if (verb === 'pause') return status === 409 && /is already paused/i.test(message);
  if (verb === 'unpause') return status === 500 && /is not paused/i.test(message);
  if (verb === 'kill') return status === 409 && /is not running/i.test(message);
  return false;
}

/** Docker puts its own words in the JSON body; prefer them over docker-modem's summary. */
function readEngineMessage(e: ErrorLike): string {
  const json = e.json as { message?: unknown } | null | undefined;
  if (json && typeof json.message === 'string' && json.message.length > 0) {
    return json.message.trim();
  }
  if (typeof e.reason === 'string' && e.reason.length > 0 && typeof e.message !== 'string') {
    return e.reason;
  }
  const text = typeof e.message === 'string' ? e.message : String(e);
  // docker-modem prefixes "(HTTP code N) reason - " before the engine's own message.
  return text.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim() || text;
}
