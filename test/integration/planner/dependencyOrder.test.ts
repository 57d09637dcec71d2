import assert from 'node:assert/strict';

import { createFleet } from '../../../scripts/sandbox/fleet';
import { DockerAdapter } from '../../../src/engine/docker/dockerAdapter';
import { parseEndpoint } from '../../../src/engine/docker/resolveEndpoint';
import { COMPOSE_SERVICE_LABEL } from '../../../src/engine/model/container';
import type { OperationKind } from '../../../src/engine/model/operation';
import { BulkEngine } from '../../../src/engine/operation/bulkEngine';
import { planOperation } from '../../../src/engine/planner/plan/planOperation';
import { parseSelector } from '../../../src/engine/planner/selector/parseSelector';
import { withSandbox } from '../../support/engineSandbox';

const HOST = 'sandbox';

interface EngineEvent {
  readonly status?: string;
  readonly Action?: string;
  readonly id?: string;
  readonly time?: number;
  readonly timeNano?: number;
}

describe('Compose dependency order against a real Docker engine', function () {
  this.timeout(300_000);
  const ctx = withSandbox({ name: 'deps' });
  let adapter: DockerAdapter;
  let engine: BulkEngine;
  let serviceOf: Map<string, string>;

  before(async function () {
    this.timeout(200_000);
    adapter = new DockerAdapter({
      endpoint: parseEndpoint(ctx.sandbox.dockerHost),
      hostName: HOST,
    });
    engine = new BulkEngine({ adapters: [adapter] });
    // 3 groups: services alternate web, db, worker by block, so every project has all three.
    const fleet = await createFleet(ctx.docker, {
      count: 30,
      image: ctx.imageRef,
      prefix: 'dep',
      groups: 3,
    });
    const listed = await adapter.list(AbortSignal.timeout(30_000));
    serviceOf = new Map(
      listed
        .filter((c) => fleet.some((f) => f.id === c.id))
        .map((c) => [c.id, c.labels[COMPOSE_SERVICE_LABEL] ?? '']),
    );
  });

  after(() => engine?.dispose());

  /** Plans and runs an operation on one compose project, recording the engine's events. */
  async function runOnProject(kind: OperationKind, action: string): Promise<string[]> {
    const containers = await adapter.list(AbortSignal.timeout(30_000));
    const plan = planOperation({
      containers,
      kind,
      selector: parseSelector('project=dep-proj-0'),
      options: { graceSeconds: 1 },
      nowMs: Date.now(),
    });
    assert.ok(plan.targets.length >= 6, `${plan.targets.length} targets`);
    assert.ok(plan.waves.some((w) => w > 0), 'the plan has more than one wave');

    const since = Math.floor(Date.now() / 1000) - 1;
    const record = await engine.submit({
      kind,
      targets: plan.targets,
      waves: plan.waves,
      options: { graceSeconds: 1 },
    }).done;
    assert.equal(record.status, 'completed');

    const stream = await ctx.docker.getEvents({
      since,
      until: Math.floor(Date.now() / 1000) + 1,
      filters: { type: ['container'], event: [action] },
    });
    const text = await new Promise<string>((resolve, reject) => {
      let body = '';
      stream.on('data', (d: Buffer) => (body += d.toString()));
      stream.on('end', () => resolve(body));
      stream.on('error', reject);
    });
    const events = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEvent);
    const targets = new Set(plan.targets.map((t) => t.id));
    return events
      .filter((e) => e.id && targets.has(e.id))
      .sort((a, b) => (a.timeNano ?? 0) - (b.timeNano ?? 0))
      .map((e) => serviceOf.get(e.id!) ?? '');
  }

  it('starts a project\'s db containers before the web containers that depend on them',
    async () => {
      const order = await runOnProject('start', 'start');

      const lastDb = order.lastIndexOf('db');
      const firstWeb = order.indexOf('web');
      assert.ok(lastDb >= 0 && firstWeb >= 0, order.join(' '));
      assert.ok(lastDb < firstWeb, `engine saw: ${order.join(' ')}`);
    });

  it('stops a project\'s web containers before the db containers they depend on', async () => {
    const order = await runOnProject('stop', 'stop');

    const lastWeb = order.lastIndexOf('web');
    const firstDb = order.indexOf('db');
    assert.ok(lastWeb >= 0 && firstDb >= 0, order.join(' '));
    assert.ok(lastWeb < firstDb, `engine saw: ${order.join(' ')}`);
  });
});
