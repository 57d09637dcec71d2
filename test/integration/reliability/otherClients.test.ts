import assert from 'node:assert/strict';

import { createFleet, startContainers } from '../../../scripts/sandbox/fleet';
import { withSandbox } from '../../support/engineSandbox';
import {
  duplicateIds,
  eventually,
  outcomes,
  realStates,
  recordedEngine,
  type RecordedEngine,
  report,
  targetsOf,
} from './reliabilityKit';

describe('When another client changes containers while an operation runs', function () {
  this.timeout(180_000);
  const ctx = withSandbox({ name: 'others' });
  let recorded: RecordedEngine | undefined;

  after(async () => {
    await recorded?.engine.dispose();
  });

  it('an item removed meanwhile fails NOT_FOUND, one stopped meanwhile is skipped, one ' +
    'renamed meanwhile is stopped by its id, and the rest go on', async () => {
    const fleet = await createFleet(ctx.docker, { count: 30, image: ctx.imageRef,
      prefix: 'others' });
    const ids = fleet.map((c) => c.id);
    await startContainers(ctx.docker, ids, { concurrency: 8 });
    const r = (recorded = recordedEngine(ctx.sandbox));
    // Dispatch follows the target order, so the last ones are still queued when touched.
    const removed = ids.slice(-3);
    const stopped = ids.slice(-6, -3);
    const renamed = ids.slice(-9, -6);
    const touched = new Set([...removed, ...stopped, ...renamed]);

    const handle = r.engine.submit({
      kind: 'stop',
      targets: await targetsOf(r.adapter, ids),
      options: { concurrency: 2, graceSeconds: 1 },
    });
    await eventually(() => (r.engine.snapshot(handle.id)?.counts.succeeded ?? 0) >= 4,
      'four items stopped');
    const signal = AbortSignal.timeout(60_000);
    await Promise.all([
      ...removed.map((id) => ctx.docker.getContainer(id).remove({ force: true,
        abortSignal: signal })),
      ...stopped.map((id) => ctx.docker.getContainer(id).stop({ t: 0, abortSignal: signal })),
      ...renamed.map((id, i) => ctx.docker.getContainer(id).rename({
        name: `renamed-by-someone-else-${i}`, abortSignal: signal })),
    ]);
    const queuedWhenTouched = [...touched].filter((id) =>
      r.engine.get(handle.id)?.items.find((i) => i.id === id)?.state === 'queued').length;
    const record = await handle.done;

    const byId = new Map(record.items.map((i) => [i.id, i]));
    assert.equal(queuedWhenTouched, touched.size, 'all were touched before they were sent');
    for (const id of removed) {
      assert.equal(byId.get(id)?.state, 'failed');
      assert.equal(byId.get(id)?.error?.code, 'NOT_FOUND');
      assert.match(byId.get(id)?.error?.message ?? '', /No such container/i);
    }
    for (const id of stopped) {
      assert.equal(byId.get(id)?.state, 'skipped');
      assert.equal(byId.get(id)?.reason, 'already in the requested state');
    }
    for (const id of renamed) assert.equal(byId.get(id)?.state, 'succeeded');
    const rest = record.items.filter((i) => !touched.has(i.id));
    assert.ok(rest.every((i) => i.state === 'succeeded'), JSON.stringify(outcomes(record)));
    assert.deepEqual(duplicateIds(record), []);

    const states = await realStates(r.adapter, ids);
    for (const id of ids) {
      assert.equal(states.get(id), removed.includes(id) ? 'missing' : 'exited', id);
    }
    const listed = await r.adapter.list(AbortSignal.timeout(10_000));
    const names = new Map(listed.map((c) => [c.id, c.name]));
    renamed.forEach((id, i) => assert.equal(names.get(id), `renamed-by-someone-else-${i}`));
    assert.equal(record.status, 'failed', 'it failed because of the removed ones only');
    report('another client removes, stops and renames containers during a stop', {
      items: record.items.length,
      outcomes: outcomes(record),
      removed: removed.length,
      stopped: stopped.length,
      renamed: renamed.length,
    });
  });
});
