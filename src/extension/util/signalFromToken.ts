import type { CancellationToken, Disposable } from 'vscode';

/** An AbortSignal that follows a CancellationToken, and how to stop following it. */
export interface LinkedSignal extends Disposable {
  readonly signal: AbortSignal;
}

/**
 * Bridges VS Code's cancellation to the engine's: the signal aborts when the token is
 * cancelled. Dispose it when the work ends, so a long-lived token does not keep listeners.
 */
export function signalFromToken(token: CancellationToken | undefined): LinkedSignal {
  const controller = new AbortController();
  if (token === undefined) {
    return { signal: controller.signal, dispose: () => undefined };
  }
  if (token.isCancellationRequested) {
    controller.abort(new Error('Cancelled'));
    return { signal: controller.signal, dispose: () => undefined };
  }

  const listener = token.onCancellationRequested(() => controller.abort(new Error('Cancelled')));
  return { signal: controller.signal, dispose: () => listener.dispose() };
}
