/** The API VS Code hands a webview page; it can be acquired once per page load. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState<T>(state: T): T;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Acquires the page's one VS Code API object. */
export function acquireApi(): VsCodeApi {
  return acquireVsCodeApi();
}
