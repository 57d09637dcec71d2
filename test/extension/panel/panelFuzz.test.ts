// Runs inside a real VS Code: a real webview page posts 1000 random and malformed messages,
// which reach a PanelSession through the webview's onDidReceiveMessage, as the Operations
// panel's own session is wired, over the running extension's backend and BulkEngine.
// STEVEDORE_FUZZ_SEED=N repeats a run; the seed is in the suite's title.
import * as assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';

import * as vscode from 'vscode';

import type { OperationRecord, OperationTarget } from '../../../src/engine/model/operation';
import type { BulkEngine } from '../../../src/engine/operation/bulkEngine';
import type {
  HostToPageMessage,
  ResultMessage,
} from '../../../src/extension/panel/panelProtocol';
import { PanelSession, type WebviewPort } from '../../../src/extension/panel/panelSession';
import {
  activateStevedore,
  createTestContainers,
  removeTestContainers,
  servicesOf,
  testDocker,
  waitFor,
} from '../support/stevedoreHarness';
import { makeCases, seeded } from './pageMessageFuzz';

const SEED = Number(process.env.STEVEDORE_FUZZ_SEED ?? randomInt(2 ** 31));
const TAG = 'panel-fuzz';
const BATCH = 50;

// A page that says ready, then posts back every batch of messages the test sends it.
function fuzzPage(nonce: string, cspSource: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; style-src ${cspSource}; script-src 'nonce-${nonce}';">
</head><body>fuzz<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
window.addEventListener('message', (event) => {
  const data = event.data;
  if (data && Array.isArray(data.fuzzBatch)) {
    for (const message of data.fuzzBatch) vscode.postMessage(message);
  }
});
vscode.postMessage({ type: 'ready' });
</script></body></html>`;
}

/** What the engine knows about each operation, to see that the fuzz changed none of it. */
function engineState(engine: BulkEngine): Map<string, string> {
  return new Map(engine.list().map((r: OperationRecord) => [r.id,
    JSON.stringify([r.kind, r.status, r.items.map((i) => [i.id, i.state, i.attempts])])]));
}

describe(`the panel under 1000 random page messages (STEVEDORE_FUZZ_SEED=${SEED})`, function () {
  this.timeout(300_000);
  const docker = testDocker();

  after(async () => {
    await removeTestContainers(docker, TAG);
  });

  it('rejects every malformed message, acts on none, and answers every request', async () => {
    console.log(`panel fuzz: seed ${SEED}; repeat with STEVEDORE_FUZZ_SEED=${SEED}`);
    const services = servicesOf(await activateStevedore());
    const session = services.connection.session;
    assert.ok(session, 'Expected an engine session');
    const engine = session.engine;
    const host = session.hosts[0]!.hostName;
    const targets = (ids: readonly string[], state: 'created' | 'running'): OperationTarget[] =>
      ids.map((id, k) => ({ id, name: `${TAG}-${k}`, state, host }));

    // A finished operation, and one that runs for minutes: a stop of containers whose PID 1
    // ignores SIGTERM, one at a time with a long grace, so its second item stays queued.
    const createdIds = await createTestContainers(docker, { tag: TAG, count: 2 });
    const done = await engine.submit({ kind: 'start', targets: targets(createdIds, 'created') })
      .done;
    assert.equal(done.status, 'completed');
    const slowIds = await createTestContainers(docker, {
      tag: TAG, count: 2, start: true, honoursSigterm: false,
    });
    const running = engine.submit({ kind: 'stop', targets: targets(slowIds, 'running'),
      options: { graceSeconds: 240, concurrency: 1 } });
    await waitFor('the stop to be under way', () =>
      engine.get(running.id)?.items.some((i) => i.state === 'running'));
    const ops = { done: done.id, running: running.id };

    const cases = makeCases(seeded(SEED), ops, 1000);
    const before = engineState(engine);
    const priorityBefore = engine.get(running.id)!.priority;

    // The session is built as OperationsPanel.adopt builds it, on a real webview; the port
    // records what it posts and catches anything the message handler throws.
    const panel = vscode.window.createWebviewPanel('stevedore.panelFuzz', 'Panel fuzz',
      vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
    const channel = vscode.window.createOutputChannel('Stevedore panel fuzz', { log: true });
    const dropped: string[] = [];
    const log = new Proxy(channel, {
      get(target, key) {
        if (key === 'warn') {
          return (message: string) => {
            if (message.includes('dropped a malformed message')) dropped.push(message);
            target.warn(message);
          };
        }
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const posted: HostToPageMessage[] = [];
    const escaped: unknown[] = [];
    const port: WebviewPort = {
      postMessage: (message: HostToPageMessage) => {
        posted.push(message);
        return panel.webview.postMessage(message);
      },
      onDidReceiveMessage: (listener: (message: unknown) => unknown) =>
        panel.webview.onDidReceiveMessage((message) => {
          try {
            listener(message);
          } catch (error) {
            escaped.push(error);
          }
        }),
    };
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => {
      rejections.push(reason);
    };
    process.on('unhandledRejection', onRejection);
    const arrived: unknown[] = [];
    const spy = panel.webview.onDidReceiveMessage((message) => arrived.push(message));
    const panelSession = new PanelSession(port, services.backend, log);

    try {
      panel.webview.html = fuzzPage(randomBytes(16).toString('base64'),
        panel.webview.cspSource);
      await waitFor('the page to say ready', () => arrived.length > 0);
      for (let start = 0; start < cases.length; start += BATCH) {
        const batch = cases.slice(start, start + BATCH).map((c) => c.message);
        assert.ok(await panel.webview.postMessage({ fuzzBatch: batch }), 'batch delivered');
      }
      await waitFor('every message to reach the host', () =>
        arrived.length === cases.length + 1, 120_000);

      const answered = cases.filter((c) => c.answerId !== undefined);
      const results = (): ResultMessage[] =>
        posted.filter((m): m is ResultMessage => m.type === 'result');
      await waitFor('a result for every request', () =>
        results().length >= answered.length, 60_000);

      // What arrived is what the page posted: the transport changed none of the messages.
      const changedOnTheWay = cases.filter((c, k) =>
        JSON.stringify(arrived[k + 1]) !== JSON.stringify(c.message)).length;
      assert.equal(changedOnTheWay, 0, 'messages changed between the page and the host');

      assert.deepEqual(escaped, [], 'exceptions escaped the message handler');
      assert.deepEqual(rejections, [], 'promises rejected with nobody to catch them');
      const malformed = cases.filter((c) => !c.valid);
      assert.equal(dropped.length, malformed.length, 'each malformed message dropped once');

      const byId = new Map<string, ResultMessage[]>();
      for (const result of results()) byId.set(result.id, [...byId.get(result.id) ?? [], result]);
      assert.equal(results().length, answered.length, 'one result per request, no more');
      for (const c of answered) {
        const [result, ...more] = byId.get(c.answerId!) ?? [];
        assert.ok(result, `a result for ${c.answerId}`);
        assert.equal(more.length, 0, `one result for ${c.answerId}`);
        if (c.valid) {
          assert.equal(result.ok, c.ok, `result of ${JSON.stringify(c.message)}`);
        } else {
          assert.equal(result.ok, false);
          assert.equal(result.error?.code, 'MalformedRequest');
        }
        if (c.itemsOf !== undefined) {
          const at = posted.indexOf(result);
          const items = posted.slice(0, at).findLast((m) => m.type === 'items'
            && m.operationId === c.itemsOf);
          assert.ok(items, `items of ${c.itemsOf} before the result ${c.answerId}`);
        }
      }

      // Nothing started, cancelled or changed, but for the valid priority changes.
      const after = engineState(engine);
      assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'same operations');
      for (const [id, state] of before) {
        if (id !== running.id) assert.equal(after.get(id), state, `operation ${id} unchanged`);
      }
      const runningNow = engine.get(running.id)!;
      assert.equal(runningNow.status, 'running');
      assert.deepEqual(runningNow.items.map((i) => i.state).sort(), ['queued', 'running']);
      const lastPriority = cases.findLast((c) => c.priority !== undefined)?.priority;
      assert.equal(runningNow.priority, lastPriority ?? priorityBefore);

      // Still answering: a selection, then a real cancel, after the storm.
      const count = posted.length;
      await panel.webview.postMessage({ fuzzBatch: [
        { type: 'selectOperation', id: 'after-1', operationId: done.id },
        { type: 'cancel', id: 'after-2', operationId: running.id },
      ] });
      const tail = await waitFor('answers after the fuzz', () => {
        const late = posted.slice(count);
        return late.filter((m) => m.type === 'result').length >= 2 && late;
      });
      const items = tail.find((m) => m.type === 'items' && m.operationId === done.id);
      assert.equal(items?.type === 'items' && items.items.length, 2);
      assert.deepEqual(tail.filter((m) => m.type === 'result').map((m) => [m.id, m.ok]),
        [['after-1', true], ['after-2', true]]);
      await waitFor('the queued stop item to be cancelled', () =>
        engine.get(running.id)?.items.some((i) => i.state === 'cancelled'));
      console.log(`panel fuzz: ${cases.length} messages, ${malformed.length} malformed, ` +
        `${answered.length} answered, seed ${SEED}`);
    } finally {
      process.off('unhandledRejection', onRejection);
      spy.dispose();
      panelSession.dispose();
      panel.dispose();
      channel.dispose();
      // Removing the containers ends the stop that still waits out its grace period.
      await removeTestContainers(docker, TAG);
      await running.done;
    }
  });
});
