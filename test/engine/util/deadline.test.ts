import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';

import {
  abortedByDeadline,
  DeadlineExceededError,
  withDeadline,
} from '../../../src/engine/util/deadline';

/** Resolves with the signal once it aborts, so a test can look at why. */
function untilAborted(signal: AbortSignal): Promise<AbortSignal> {
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(signal), { once: true }),
  );
}

describe('withDeadline', () => {
  it('returns what the call returns and leaves no listener on the caller\'s signal', async () => {
    const caller = new AbortController();

    const value = await withDeadline(caller.signal, 1_000, async () => 42);

    assert.equal(value, 42);
    assert.equal(getEventListeners(caller.signal, 'abort').length, 0);
  });

  it('releases the caller\'s signal when the call throws, too', async () => {
    const caller = new AbortController();

    await assert.rejects(
      withDeadline(caller.signal, 1_000, async () => {
        throw new Error('engine said no');
      }),
      /engine said no/,
    );

    assert.equal(getEventListeners(caller.signal, 'abort').length, 0);
  });

  it('aborts the call with a DeadlineExceededError when the time is up', async () => {
    let inner: AbortSignal | undefined;

    await withDeadline(new AbortController().signal, 5, (s) => {
      inner = s;
      return untilAborted(s);
    });

    assert.ok(inner?.reason instanceof DeadlineExceededError);
    assert.equal(inner.reason.ms, 5);
    assert.ok(abortedByDeadline(inner));
  });

  it('passes a caller\'s abort on with the caller\'s reason, which is not a deadline', async () => {
    const caller = new AbortController();
    const reason = new Error('user cancelled');

    const pending = withDeadline(caller.signal, 10_000, (s) => untilAborted(s));
    caller.abort(reason);
    const inner = await pending;

    assert.equal(inner.reason, reason);
    assert.ok(!abortedByDeadline(inner));
  });

  it('hands an already aborted signal to the call when the caller already gave up', async () => {
    const caller = new AbortController();
    caller.abort();

    const inner = await withDeadline(caller.signal, 10_000, async (s) => s);

    assert.ok(inner.aborted);
    assert.ok(!abortedByDeadline(inner));
  });

  it('tells an unaborted signal from a deadline', () => {
    assert.ok(!abortedByDeadline(new AbortController().signal));
  });
});
