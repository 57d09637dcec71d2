import assert from 'node:assert/strict';

import {
  ConflictError,
  EngineError,
  EnginePermissionError,
  EngineTimeoutError,
  EngineUnreachableError,
  isEngineDown,
  NotFoundError,
  NotModifiedError,
  toEngineError,
  toErrorInfo,
} from '../../../src/engine/docker/engineErrors';
import { AbortError, isAbortError } from '../../../src/engine/util/abort';
import { withDeadline } from '../../../src/engine/util/deadline';

/** An error shaped as docker-modem builds it from a non-2xx answer. */
function dockerodeError(statusCode: number, engineMessage: string, reason = 'unexpected'): Error {
  const error = new Error(`(HTTP code ${statusCode}) ${reason} - ${engineMessage} `);
  return Object.assign(error, {
    statusCode,
    reason,
    json: engineMessage ? { message: engineMessage } : null,
  });
}

function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });
}

/** Runs a call that only ends when its signal aborts, the way dockerode rejects then. */
async function hungCall(
  caller: AbortSignal,
  ms: number,
): Promise<{ error: unknown; deadlineSignal: AbortSignal }> {
  let deadlineSignal: AbortSignal | undefined;
  try {
    await withDeadline(caller, ms, (s) => {
      deadlineSignal = s;
      return new Promise((_, reject) =>
        s.addEventListener('abort', () => reject(new AbortError()), { once: true }),
      );
    });
    throw new Error('the hung call resolved');
  } catch (error) {
    assert.ok(deadlineSignal);
    return { error, deadlineSignal };
  }
}

describe('toEngineError', () => {
  const statusCases: [number, new (...args: never[]) => EngineError, string, boolean][] = [
    [304, NotModifiedError, 'NOT_MODIFIED', false],
    [404, NotFoundError, 'NOT_FOUND', false],
    [409, ConflictError, 'CONFLICT', false],
    [500, EngineError, 'SERVER', true],
    [400, EngineError, 'BAD_REQUEST', false],
    [403, EnginePermissionError, 'PERMISSION', false],
  ];
  for (const [status, type, code, retryable] of statusCases) {
    it(`maps a dockerode ${status} to ${type.name} (${code}), retryable ${retryable}`, () => {
      const error = toEngineError(dockerodeError(status, 'engine words'), 'stop c1');

      assert.ok(error instanceof type);
      assert.ok(error instanceof EngineError);
      assert.equal(error.code, code);
      assert.equal(error.retryable, retryable);
      // A permission error may come from the socket as well, so it carries no status.
      if (!(error instanceof EnginePermissionError)) assert.equal(error.statusCode, status);
    });
  }

  it('keeps the engine\'s own message, prefixed with the call', () => {
    const raw = dockerodeError(409, 'Container x is not running', 'conflict');

    const error = toEngineError(raw, 'kill x');

    assert.equal(error.message, 'kill x: Container x is not running');
    assert.equal((error as EngineError).cause, raw);
  });

  it('strips docker-modem\'s summary when the body carries no message', () => {
    const raw = Object.assign(
      new Error('(HTTP code 409) unexpected - Container my-app is not running '),
      { statusCode: 409, json: null },
    );

    const error = toEngineError(raw, 'pause my-app');

    assert.ok(error instanceof ConflictError);
    assert.equal(error.message, 'pause my-app: Container my-app is not running');
  });

  it('reads Docker\'s "already there" errors for pause, unpause and kill as not modified', () => {
    const paused = toEngineError(dockerodeError(409, 'Container c1 is already paused'), 'pause c1');
    const notPaused = toEngineError(
      dockerodeError(500, 'Container c1 is not paused'),
      'unpause c1',
    );
    const stopped = toEngineError(dockerodeError(409, 'Container c1 is not running'), 'kill c1');

    assert.ok(paused instanceof NotModifiedError);
    assert.ok(notPaused instanceof NotModifiedError);
    assert.ok(stopped instanceof NotModifiedError);
  });

  it('keeps a refused start of a paused container a conflict', () => {
    const error = toEngineError(
      dockerodeError(409, 'cannot start a paused container, try unpause instead'),
      'start c1',
    );

    assert.ok(error instanceof ConflictError);
  });

  it('counts any other 5xx as a retryable server error', () => {
    const error = toEngineError(dockerodeError(503, 'busy'), 'start c1');

    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'SERVER');
    assert.equal(error.retryable, true);
  });

  for (const code of ['ECONNREFUSED', 'ENOENT', 'ECONNRESET']) {
    it(`maps a socket ${code} to a retryable EngineUnreachableError`, () => {
      const raw = socketError(code, `connect ${code} /var/run/docker.sock`);

      const error = toEngineError(raw, 'ping');

      assert.ok(error instanceof EngineUnreachableError);
      assert.equal(error.retryable, true);
      assert.ok(isEngineDown(error));
      assert.match(error.message, new RegExp(`connect ${code} /var/run/docker\\.sock`));
    });
  }

  it('maps a socket EACCES to a permanent EnginePermissionError', () => {
    const raw = socketError('EACCES', 'connect EACCES /var/run/docker.sock');

    const error = toEngineError(raw, 'ping');

    assert.ok(error instanceof EnginePermissionError);
    assert.equal(error.retryable, false);
    assert.ok(!isEngineDown(error));
    assert.match(error.message, /connect EACCES \/var\/run\/docker\.sock/);
  });

  it('leaves an abort by the caller an AbortError, never a failure', async () => {
    const caller = new AbortController();
    const pending = hungCall(caller.signal, 10_000);
    caller.abort();

    const { error, deadlineSignal } = await pending;
    const mapped = toEngineError(error, 'stop c1', deadlineSignal);

    assert.ok(isAbortError(mapped));
    assert.ok(!(mapped instanceof EngineError));
  });

  it('turns an abort by the deadline into a retryable EngineTimeoutError', async () => {
    const { error, deadlineSignal } = await hungCall(new AbortController().signal, 5);

    const mapped = toEngineError(error, 'stop c1', deadlineSignal);

    assert.ok(mapped instanceof EngineTimeoutError);
    assert.equal(mapped.retryable, true);
    assert.ok(isEngineDown(mapped));
    assert.match(mapped.message, /^stop c1: /);
  });

  it('turns a deadline into a timeout even when the call rejected with the reason', async () => {
    let deadlineSignal: AbortSignal | undefined;
    const error = await withDeadline(new AbortController().signal, 5, (s) => {
      deadlineSignal = s;
      return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason)));
    }).catch((e: unknown) => e);

    assert.ok(toEngineError(error, 'start c1', deadlineSignal) instanceof EngineTimeoutError);
  });

  it('returns typed errors unchanged', () => {
    const original = new NotFoundError('inspect c1: No such container: c1');

    assert.equal(toEngineError(original, 'again'), original);
  });

  it('gives plain data for records, whatever was thrown', () => {
    assert.deepEqual(toErrorInfo(new ConflictError('pause c1: already paused')), {
      name: 'ConflictError',
      code: 'CONFLICT',
      message: 'pause c1: already paused',
      retryable: false,
    });
    assert.deepEqual(toErrorInfo('boom'), {
      name: 'Error',
      code: 'OTHER',
      message: 'boom',
      retryable: false,
    });
  });
});
