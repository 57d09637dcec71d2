import * as assert from 'node:assert/strict';

import { ContainerTreeProvider } from '../../../src/extension/tree/containerTreeProvider';
import {
  describeSkipped,
  targetsFromSelection,
} from '../../../src/extension/tree/targetsFromSelection';
import type { GroupNode } from '../../../src/extension/tree/treeNodes';
import { summary } from '../support/containerFactory';

describe('turning a clicked node and a selection into targets', () => {
  const provider = new ContainerTreeProvider('project');
  const list = [
    summary(0, { state: 'running' }),
    summary(1, { state: 'exited' }),
    summary(2, { state: 'running' }),
    summary(50, { state: 'paused' }),
    summary(100, { state: 'exited' }),
  ];
  provider.update(list);
  const node = (i: number) => provider.nodeFor(list[i]!)!;

  it('takes the whole selection when the clicked node is part of it', () => {
    const { targets } = targetsFromSelection('stop', node(0), [node(0), node(2)]);

    assert.deepEqual(targets.map((c) => c.name), ['c-00000', 'c-00002']);
  });

  it('takes the clicked node alone when it is outside the selection', () => {
    const { targets } = targetsFromSelection('stop', node(2), [node(0)]);

    assert.deepEqual(targets.map((c) => c.name), ['c-00002']);
  });

  it('falls back to the view selection when invoked without arguments', () => {
    const { targets } = targetsFromSelection('stop', undefined, undefined, [node(0)]);

    assert.deepEqual(targets.map((c) => c.name), ['c-00000']);
  });

  it('expands a group to its containers and counts what the action skips', () => {
    const group = node(0).parent as GroupNode;

    const { targets, skipped } = targetsFromSelection('stop', group, [group, node(0)]);

    assert.deepEqual(targets.map((c) => c.name).sort(), ['c-00000', 'c-00050']);
    assert.equal(describeSkipped(skipped), '1 already stopped');
  });

  it('keeps running containers in a removal, whose confirmation offers force', () => {
    const { targets, skipped } = targetsFromSelection('remove', node(0), [node(0), node(1)]);

    assert.equal(targets.length, 2);
    assert.equal(skipped.size, 0);
  });

  it('ignores arguments that are not tree nodes', () => {
    const { targets } = targetsFromSelection('stop', { kind: 'other' }, ['x', 3]);

    assert.deepEqual(targets, []);
  });
});
