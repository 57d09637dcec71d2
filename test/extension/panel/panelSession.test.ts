// Pure Node: the session talks to a fake webview and a fake backend, on a fake clock.
import * as assert from 'node:assert/strict';

import type { LogOutputChannel } from 'vscode';

import type { ItemRecord, ProgressSnapshot } from '../../../src/engine/model/operation';
import type { PanelBackend, PanelChange } from '../../../src/extension/panel/panelBackend';
import {
  MAX_ITEMS_PER_MESSAGE,
  type ActiveOperationView,
  type HistorySummary,
  type HostToPageMessage,
  type ProgressMessage,
} from '../../../src/extension/panel/panelProtocol';
import {
  PanelSession,
  PROGRESS_INTERVAL_MS,
  type SessionClock,
} from '../../../src/extension/panel/panelSession';
import { active, item, items, past, perf, snapshot } from '../../webview-ui/fixtures';

/** A backend whose state the test sets, recording every call. */
class FakeBackend implements PanelBackend {
  active: ActiveOperationView[] = [active('op-1', {}, 'shop')];
  history: HistorySummary[] = [past('h-1', 'completed')];
  items = new Map<string, ItemRecord[]>([['op-1', items(2500)], ['h-1', items(3)]]);
  readonly calls: unknown[][] = [];
  failWith: Error | undefined;
  private listener: ((change: PanelChange) => void) | undefined;

  getState() {
    return { active: this.active, history: this.history };
  }
  getItems(operationId: string) {
    return this.items.get(operationId);
  }
  getPerf() {
    return perf();
  }
  onDidChange(listener: (change: PanelChange) => void) {
    this.listener = listener;
    return { dispose: () => (this.listener = undefined) };
  }
  emit(change: Partial<PanelChange>): void {
    this.listener?.({ snapshots: [], items: [], historyChanged: false, ...change });
  }
  private record(...call: unknown[]): Promise<void> {
    this.calls.push(call);
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve();
  }
  cancel(id: string) { return this.record('cancel', id); }
  retry(id: string, itemIds?: readonly string[]) { return this.record('retry', id, itemIds); }
  rollback(id: string) { return this.record('rollback', id); }
  decide(id: string, d: string) { return this.record('decide', id, d); }
  setPriority(id: string, p: number) { return this.record('setPriority', id, p); }
  rerun(id: string) { return this.record('rerun', id); }
  resume(id: string) { return this.record('resume', id); }
  clearHistory() { return this.record('clearHistory'); }
}

/** A webview that records what is posted and lets the test play the page. */
class FakeWebview {
  readonly posted: HostToPageMessage[] = [];
  private listener: ((message: unknown) => void) | undefined;

  postMessage(message: HostToPageMessage): Thenable<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
  onDidReceiveMessage = (listener: (message: unknown) => void) => {
    this.listener = listener;
    return { dispose: () => (this.listener = undefined) };
  };
  fromPage(message: unknown): void {
    this.listener?.(message);
  }
  ofType<T extends HostToPageMessage['type']>(type: T) {
    return this.posted.filter((m): m is Extract<HostToPageMessage, { type: T }> => m.type === type);
  }
}

function fakeLog(): LogOutputChannel & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return {
    lines,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: (message: string | Error) => lines.push(`error ${String(message)}`),
  } as unknown as LogOutputChannel & { lines: string[] };
}

/** A clock whose time moves only when a test ticks it. */
class FakeClock implements SessionClock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; every?: number; run: () => void }>();

  now(): number {
    return this.time;
  }
  setTimeout(run: () => void, ms: number): number {
    this.timers.set(this.nextId, { at: this.time + ms, run });
    return this.nextId++;
  }
  setInterval(run: () => void, ms: number): number {
    this.timers.set(this.nextId, { at: this.time + ms, every: ms, run });
    return this.nextId++;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  clearInterval(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Moves time on, running each timer that falls due, in order. */
  tick(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at);
      const [id, timer] = due[0] ?? [];
      if (id === undefined || timer === undefined) {
        break;
      }
      this.time = timer.at;
      if (timer.every === undefined) {
        this.timers.delete(id);
      } else {
        timer.at += timer.every;
      }
      timer.run();
    }
    this.time = end;
  }
}

// Lets promise callbacks run.
async function flushPromises(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}

describe('PanelSession', () => {
  let backend: FakeBackend;
  let webview: FakeWebview;
  let log: ReturnType<typeof fakeLog>;
  let session: PanelSession;
  let clock: FakeClock;

  beforeEach(() => {
    backend = new FakeBackend();
    webview = new FakeWebview();
    log = fakeLog();
    clock = new FakeClock();
    session = new PanelSession(webview, backend, log, clock);
  });

  afterEach(() => {
    session.dispose();
  });

  function moved(operationId: string, overrides: Partial<ProgressSnapshot> = {}) {
    return snapshot(operationId, overrides);
  }

  it('posts nothing until the page says ready, then one snapshot', () => {
    backend.emit({ snapshots: [moved('op-1')] });
    clock.tick(1000);
    const beforeReady = webview.posted.length;

    webview.fromPage({ type: 'ready' });

    assert.equal(beforeReady, 0);
    assert.deepEqual(webview.posted.map((m) => m.type), ['snapshot']);
    const [snap] = webview.ofType('snapshot');
    assert.equal(snap?.active[0]?.label, 'shop');
    assert.equal(snap?.history[0]?.operationId, 'h-1');
    assert.equal(snap?.selected, undefined);
  });

  it('sends the selected operation named in ready as a snapshot and pages of items', () => {
    webview.fromPage({ type: 'ready', selectedOperationId: 'op-1' });

    const [snap] = webview.ofType('snapshot');
    const pages = [snap!.selected!, ...webview.ofType('items')];
    assert.deepEqual(pages.map((p) => [p.offset, p.items.length, p.total]), [
      [0, 1000, 2500],
      [1000, 1000, 2500],
      [2000, 500, 2500],
    ]);
  });

  it('coalesces a burst of changes into one progress message', async () => {
    webview.fromPage({ type: 'ready', selectedOperationId: 'op-1' });
    webview.posted.length = 0;

    for (let i = 0; i < 500; i++) {
      backend.emit({
        snapshots: [moved('op-1', { elapsedMs: i })],
        items: [{ operationId: 'op-1', items: [item(i, 'succeeded')] }],
      });
    }
    clock.tick(PROGRESS_INTERVAL_MS);
    await flushPromises();

    const progress = webview.ofType('progress');
    assert.equal(progress.length, 1);
    assert.equal(progress[0]?.changed[0]?.snapshot.elapsedMs, 499);
    assert.equal(progress[0]?.changed[0]?.label, 'shop');
    assert.equal(progress[0]?.items?.items.length, 500);
  });

  it('posts at most one progress message per 100 ms while changes stream', () => {
    webview.fromPage({ type: 'ready' });
    webview.posted.length = 0;

    for (let ms = 0; ms < 1000; ms += 5) {
      backend.emit({ snapshots: [moved('op-1', { elapsedMs: ms })] });
      clock.tick(5);
    }
    clock.tick(PROGRESS_INTERVAL_MS);

    const progress = webview.ofType('progress');
    assert.ok(progress.length >= 9 && progress.length <= 11, `${progress.length} messages`);
    assert.equal(progress[progress.length - 1]?.changed[0]?.snapshot.elapsedMs, 995);
  });

  it('splits more than a page of changed items over several progress messages', () => {
    webview.fromPage({ type: 'ready', selectedOperationId: 'op-1' });
    webview.posted.length = 0;

    backend.emit({
      snapshots: [moved('op-1')],
      items: [{ operationId: 'op-1', items: items(2500, () => 'cancelled') }],
    });
    clock.tick(PROGRESS_INTERVAL_MS);

    const progress: ProgressMessage[] = webview.ofType('progress');
    assert.deepEqual(progress.map((p) => p.items?.items.length), [1000, 1000, 500]);
    assert.deepEqual(progress.map((p) => p.changed.length), [1, 0, 0]);
    assert.ok(progress.every((p) => (p.items?.items.length ?? 0) <= MAX_ITEMS_PER_MESSAGE));
  });

  it('keeps only the selected operation\'s item changes', () => {
    webview.fromPage({ type: 'ready', selectedOperationId: 'op-1' });
    webview.posted.length = 0;

    backend.emit({ items: [{ operationId: 'other', items: items(5) }] });
    clock.tick(PROGRESS_INTERVAL_MS);

    assert.deepEqual(webview.posted, []);
  });

  it('answers a selection with the items in pages, then the result', async () => {
    webview.fromPage({ type: 'ready' });
    webview.posted.length = 0;

    webview.fromPage({ type: 'selectOperation', id: 'r1', operationId: 'h-1' });
    await flushPromises();

    assert.deepEqual(webview.posted.map((m) => m.type), ['items', 'result']);
    assert.equal(webview.ofType('items')[0]?.items.length, 3);
    assert.deepEqual(webview.ofType('result')[0], { type: 'result', id: 'r1', ok: true });
  });

  it('answers a selection of an unknown operation with an error as data', async () => {
    webview.fromPage({ type: 'ready' });

    webview.fromPage({ type: 'selectOperation', id: 'r1', operationId: 'gone' });
    await flushPromises();

    const [result] = webview.ofType('result');
    assert.equal(result?.ok, false);
    assert.equal(result?.error?.code, 'OperationNotFound');
    assert.equal(result?.error?.name, 'PanelRequestError');
  });

  it('forwards each action to the backend and answers with the request id', async () => {
    webview.fromPage({ type: 'ready' });
    const requests = [
      { type: 'cancel', id: 'a', operationId: 'op-1' },
      { type: 'retry', id: 'b', operationId: 'op-1' },
      { type: 'retry', id: 'c', operationId: 'op-1', itemIds: ['c1'] },
      { type: 'rollback', id: 'd', operationId: 'op-1' },
      { type: 'decide', id: 'e', operationId: 'op-1', decision: 'continue' },
      { type: 'setPriority', id: 'f', operationId: 'op-1', priority: -3 },
      { type: 'rerun', id: 'g', operationId: 'h-1' },
      { type: 'resume', id: 'h', operationId: 'h-1' },
      { type: 'clearHistory', id: 'i' },
    ];

    for (const request of requests) {
      webview.fromPage(request);
    }
    await flushPromises();

    assert.deepEqual(backend.calls, [
      ['cancel', 'op-1'],
      ['retry', 'op-1', undefined],
      ['retry', 'op-1', ['c1']],
      ['rollback', 'op-1'],
      ['decide', 'op-1', 'continue'],
      ['setPriority', 'op-1', -3],
      ['rerun', 'h-1'],
      ['resume', 'h-1'],
      ['clearHistory'],
    ]);
    assert.deepEqual(webview.ofType('result').map((r) => [r.id, r.ok]),
      requests.map((r) => [r.id, true]));
  });

  it('answers a failed action with its error as data and logs it', async () => {
    webview.fromPage({ type: 'ready' });
    backend.failWith = Object.assign(new Error('container is paused'), { code: 'CONFLICT' });

    webview.fromPage({ type: 'cancel', id: 'a', operationId: 'op-1' });
    await flushPromises();

    assert.deepEqual(webview.ofType('result')[0], {
      type: 'result',
      id: 'a',
      ok: false,
      error: { name: 'Error', message: 'container is paused', code: 'CONFLICT' },
    });
    assert.ok(log.lines.some((l) => l.startsWith('error [panel] cancel of op-1 failed')));
  });

  it('drops malformed page messages, logs them and calls nothing', async () => {
    webview.fromPage({ type: 'ready' });
    const malformed = [
      { type: 'cancel', operationId: 'op-1' },
      { type: 'cancel', id: 'a', operationId: 'x'.repeat(129) },
      { type: 'cancel', id: 'a', operationId: 'op-1', extra: true },
      { type: 'setPriority', id: 'a', operationId: 'op-1', priority: 1.5 },
      { type: 'setPriority', id: 'a', operationId: 'op-1', priority: 1e9 },
      { type: 'decide', id: 'a', operationId: 'op-1', decision: 'explode' },
      { type: 'retry', id: 'a', operationId: 'op-1', itemIds: [1] },
      { type: 'eval', id: 'a' },
      'ready',
      null,
    ];

    for (const message of malformed) {
      webview.fromPage(message);
    }
    await flushPromises();

    assert.deepEqual(backend.calls, []);
    assert.equal(log.lines.filter((l) => l.startsWith('warn [panel] dropped')).length,
      malformed.length);
  });

  it('answers a malformed request that carries an id with an error, so the page stops waiting',
    async () => {
      webview.fromPage({ type: 'ready' });
      webview.posted.length = 0;

      webview.fromPage({ type: 'setPriority', id: 'p-1', operationId: 'op-1', priority: 1e9 });
      webview.fromPage({ type: 'explode', id: 'p-2' });
      webview.fromPage({ type: 'cancel', id: 'x'.repeat(129), operationId: 'op-1' });
      webview.fromPage({ type: 'cancel', id: 7, operationId: 'op-1' });
      webview.fromPage(JSON.parse('{"__proto__": {"id": "p-3"}, "type": "cancel"}'));
      await flushPromises();

      assert.deepEqual(backend.calls, []);
      assert.deepEqual(webview.ofType('result').map((r) => [r.id, r.ok, r.error?.code]), [
        ['p-1', false, 'MalformedRequest'],
        ['p-2', false, 'MalformedRequest'],
      ]);
    });

  it('moves a finished operation out of the active list and sends the history', () => {
    webview.fromPage({ type: 'ready' });
    webview.posted.length = 0;
    backend.active = [];
    backend.history = [past('op-1', 'completed'), ...backend.history];

    backend.emit({ snapshots: [moved('op-1', { status: 'completed' })], historyChanged: true });
    clock.tick(PROGRESS_INTERVAL_MS);

    const [progress] = webview.ofType('progress');
    assert.deepEqual(progress?.removed, ['op-1']);
    assert.deepEqual(progress?.changed, []);
    assert.deepEqual(webview.ofType('history')[0]?.history.map((h) => h.operationId),
      ['op-1', 'h-1']);
  });

  it('announces a new operation with its label', () => {
    webview.fromPage({ type: 'ready' });
    webview.posted.length = 0;
    backend.active = [...backend.active, active('op-2', { status: 'queued' }, 'new one')];

    backend.emit({ snapshots: [moved('op-2', { status: 'queued' })] });
    clock.tick(PROGRESS_INTERVAL_MS);

    const [progress] = webview.ofType('progress');
    assert.deepEqual(progress?.changed.map((v) => [v.snapshot.operationId, v.label]),
      [['op-2', 'new one']]);
  });

  it('sends a performance sample every second while the page is shown', () => {
    webview.fromPage({ type: 'ready' });

    clock.tick(3000);

    assert.equal(webview.ofType('perf').length, 3);
  });

  it('stays quiet once paused, until the page is ready again', () => {
    webview.fromPage({ type: 'ready' });
    session.pause();
    webview.posted.length = 0;

    backend.emit({ snapshots: [moved('op-1')] });
    clock.tick(5000);
    const whilePaused = webview.posted.length;
    webview.fromPage({ type: 'ready' });

    assert.equal(whilePaused, 0);
    assert.deepEqual(webview.posted.map((m) => m.type), ['snapshot']);
  });
});
