import type {
  PageRequest,
  ReadyMessage,
  ResultMessage,
} from '../../../src/extension/panel/panelProtocol';
import type { VsCodeApi } from './vscodeApi';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A page request before it is given its id. */
export type RequestBody = WithoutId<PageRequest>;

/** Sends the page's messages to the host and pairs each reply with its request. */
export class HostConnection {
  // A per-load prefix keeps ids unique across reloads of the page within one host session.
  private readonly prefix = `${Date.now().toString(36)}-`;
  private next = 0;
  private readonly waiting = new Map<string, (result: ResultMessage) => void>();

  constructor(private readonly api: VsCodeApi) {}

  /** Tells the host the page is listening, and what it had selected before a reload. */
  ready(selectedOperationId: string | undefined): void {
    const message: ReadyMessage = selectedOperationId === undefined
      ? { type: 'ready' }
      : { type: 'ready', selectedOperationId };
    this.api.postMessage(message);
  }

  /** Posts a request; resolves with the host's result, whether it succeeded or not. */
  request(body: RequestBody): Promise<ResultMessage> {
    this.next += 1;
    const id = `${this.prefix}${this.next}`;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.api.postMessage({ ...body, id });
    });
  }

  /** Hands a result to the request waiting for it; results for nobody are dropped. */
  settle(result: ResultMessage): void {
    const resolve = this.waiting.get(result.id);
    this.waiting.delete(result.id);
    resolve?.(result);
  }
}
