import * as assert from 'node:assert/strict';

import * as vscode from 'vscode';

import { signalFromToken } from '../../../src/extension/util/signalFromToken';

describe('bridging a cancellation token to an abort signal', () => {
  it('aborts the signal when the token is cancelled', () => {
    const source = new vscode.CancellationTokenSource();
    const link = signalFromToken(source.token);

    source.cancel();

    assert.equal(link.signal.aborted, true);
    link.dispose();
  });

  it('starts aborted for a token that already was cancelled', () => {
    const source = new vscode.CancellationTokenSource();
    source.cancel();

    assert.equal(signalFromToken(source.token).signal.aborted, true);
  });

  it('stops following the token once disposed', () => {
    const source = new vscode.CancellationTokenSource();
    const link = signalFromToken(source.token);

    link.dispose();
    source.cancel();

    assert.equal(link.signal.aborted, false);
  });

  it('gives a signal that never aborts when there is no token', () => {
    assert.equal(signalFromToken(undefined).signal.aborted, false);
  });
});
