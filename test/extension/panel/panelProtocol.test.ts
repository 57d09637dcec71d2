// Pure Node: the validators guard both ends of the webview boundary.
import * as assert from 'node:assert/strict';

import {
  isHostToPageMessage,
  isPageToHostMessage,
  MAX_ITEMS_PER_MESSAGE,
  toErrorData,
} from '../../../src/extension/panel/panelProtocol';
import { active, counts, items, pages, past, perf } from '../../webview-ui/fixtures';

describe('panelProtocol', () => {
  it('accepts every request the page may send', () => {
    const requests = [
      { type: 'ready' },
      { type: 'ready', selectedOperationId: 'op-1' },
      { type: 'cancel', id: '1', operationId: 'op-1' },
      { type: 'retry', id: '2', operationId: 'op-1', itemIds: ['a', 'b'] },
      { type: 'rollback', id: '3', operationId: 'op-1' },
      { type: 'decide', id: '4', operationId: 'op-1', decision: 'rollback' },
      { type: 'setPriority', id: '5', operationId: 'op-1', priority: -1000 },
      { type: 'selectOperation', id: '6', operationId: 'op-1' },
      { type: 'rerun', id: '7', operationId: 'op-1' },
      { type: 'resume', id: '8', operationId: 'op-1' },
      { type: 'clearHistory', id: '9' },
    ];

    assert.deepEqual(requests.filter((r) => !isPageToHostMessage(r)), []);
  });

  it('rejects page messages with a missing, extra or out-of-bounds field', () => {
    const bad = [
      { type: 'ready', extra: 1 },
      { type: 'clearHistory' },
      { type: 'cancel', id: '', operationId: 'op-1' },
      { type: 'cancel', id: '1', operationId: 'x'.repeat(129) },
      { type: 'setPriority', id: '1', operationId: 'op-1', priority: 1001 },
      { type: 'setPriority', id: '1', operationId: 'op-1', priority: '3' },
      {
        type: 'retry',
        id: '1',
        operationId: 'op-1',
        itemIds: Array(MAX_ITEMS_PER_MESSAGE + 1).fill('a'),
      },
      { type: 'constructor', id: '1' },
      { type: 'toString', id: '1' },
      JSON.parse('{"type":"cancel","id":"1","operationId":"op-1","__proto__":{"x":1}}'),
      [],
      undefined,
    ];

    assert.deepEqual(bad.filter((m) => isPageToHostMessage(m)), []);
  });

  it('accepts the host messages the panel sends', () => {
    const messages = [
      {
        type: 'snapshot',
        active: [active('op-1', { guardReason: 'too many', engineProblem: 'silent' }, 'l')],
        history: [past('h-1', 'interrupted')],
        selected: pages('op-1', items(10))[0],
        perf: perf(),
      },
      { type: 'progress', changed: [active('op-1')], removed: ['op-2'] },
      {
        type: 'progress',
        changed: [],
        removed: [],
        items: { operationId: 'op-1', items: items(3) },
      },
      { type: 'history', history: [] },
      { type: 'items', ...pages('op-1', items(1500))[1]! },
      { type: 'perf', perf: perf() },
      { type: 'result', id: '1', ok: false, error: { name: 'E', message: 'm', code: 'C' } },
    ];

    assert.deepEqual(messages.filter((m) => !isHostToPageMessage(m)), []);
  });

  it('accepts progress with one line per engine and rejects a malformed line', () => {
    const share = {
      host: 'tcp://b:2376', total: 5, counts: counts({ failed: 1 }), ratePerSecond: 2,
      concurrency: 4, guardReason: 'too many', engineProblem: 'silent',
    };
    const withHosts = (hosts: unknown) => ({
      type: 'progress', changed: [active('op-1', { hosts } as never)], removed: [],
    });

    assert.equal(isHostToPageMessage(withHosts([share, { ...share, host: 'unix:///a' }])), true);
    assert.equal(isHostToPageMessage(withHosts([{ ...share, total: -1 }])), false);
    assert.equal(isHostToPageMessage(withHosts([{ ...share, host: 7 }])), false);
    assert.equal(isHostToPageMessage(withHosts({ host: 'a' })), false);
    assert.equal(isHostToPageMessage(withHosts(Array.from({ length: 65 }, () => share))), false);
  });

  it('rejects host messages the page could not trust to draw', () => {
    const view = active('op-1');
    const moved = (change: object) => ({
      type: 'progress',
      changed: [{ ...view, snapshot: { ...view.snapshot, ...change } }],
      removed: [],
    });
    const { failed: _failed, ...missingFailed } = counts();
    const bad = [
      moved({ counts: missingFailed }),
      moved({ etaMs: -1 }),
      { type: 'items', operationId: 'op-1', offset: 0, total: 1001, items: items(1001) },
      { type: 'items', operationId: 'op-1', offset: 0, total: 200_000, items: [] },
      { type: 'history', history: [{ ...past('h-1', 'completed'), status: 'exploded' }] },
      { type: 'perf', perf: { ...perf(), throughput: [{ atMs: 0, itemsPerSecond: -1 }] } },
    ];

    assert.deepEqual(bad.filter((m) => isHostToPageMessage(m)), []);
  });

  it('turns any thrown value into error data with a code', () => {
    const coded = Object.assign(new TypeError('bad'), { code: 404 });

    assert.deepEqual(toErrorData(coded), { name: 'TypeError', message: 'bad', code: '404' });
    assert.deepEqual(toErrorData('plain'), { name: 'Error', message: 'plain', code: 'EUNKNOWN' });
  });
});
