import * as assert from 'node:assert/strict';
import type { ContainerSummary } from '../../../../src/engine/model/container';
import type { OperationKind } from '../../../../src/engine/model/operation';
import { DEFAULT_CONCURRENCY } from '../../../../src/engine/queue/concurrencyDefaults';
import { planOperation } from '../../../../src/engine/planner/plan/planOperation';
import type { PlanInput } from '../../../../src/engine/planner/plan/planTypes';
import { parseSelector } from '../../../../src/engine/planner/selector/parseSelector';
import { composeContainer, container, hexId, NOW_MS } from '../containerFixtures';

function plan(
  containers: readonly ContainerSummary[],
  kind: OperationKind,
  rest: Partial<Omit<PlanInput, 'selector'>> & { selector?: string } = {},
) {
  const { selector, ...others } = rest;
  return planOperation({
    containers,
    kind,
    nowMs: NOW_MS,
    ...others,
    ...(selector === undefined ? {} : { selector: parseSelector(selector) }),
  });
}

const names = (p: { targets: readonly { name: string }[] }): string[] =>
  p.targets.map((t) => t.name);

describe('planOperation', () => {
  describe('selection', () => {
    const fleet = [
      container({ name: 'web-1', labels: { app: 'web' } }),
      container({ name: 'web-2', labels: { app: 'web' }, state: 'exited' }),
      container({ name: 'db-1', labels: { app: 'db' } }),
    ];

    it('selects nothing, and says so, when given neither a selector nor ids', () => {
      const result = plan(fleet, 'restart');
      assert.deepEqual(result.targets, []);
      assert.deepEqual(result.skipped, []);
      assert.deepEqual(result.warnings, ['Nothing selected: give a selector or ids']);
    });

    it('selects what the selector matches', () => {
      assert.deepEqual(names(plan(fleet, 'restart', { selector: 'label=app=web' })), [
        'web-1',
        'web-2',
      ]);
    });

    it('combines a selector and ids with AND, and says how many ids it left out', () => {
      const result = plan(fleet, 'restart', {
        selector: 'label=app=web',
        ids: ['web-1', 'db-1'],
      });
      assert.deepEqual(names(result), ['web-1']);
      assert.deepEqual(result.missing, []);
      assert.deepEqual(result.warnings, [
        '1 of the given containers do not match the selector, left out',
      ]);
    });

    it('finds ids, names with or without a leading slash, and prefixes of 12 characters', () => {
      const containers = [1, 2, 3].map((n) => container({ name: `c${n}`, id: hexId(n) }));
      const result = plan(containers, 'restart', {
        ids: [hexId(1), '/c2', hexId(3).slice(0, 12), hexId(3)],
      });
      assert.deepEqual(names(result), ['c1', 'c2', 'c3']);
      assert.deepEqual(result.missing, []);
    });

    it('lists ids and names it cannot find, and explains short prefixes', () => {
      const containers = [container({ name: 'c1', id: hexId(1) })];
      const result = plan(containers, 'restart', {
        ids: ['nope', hexId(1).slice(0, 8), 'f'.repeat(12), 'c1'],
      });
      assert.deepEqual(names(result), ['c1']);
      assert.deepEqual(result.missing, ['nope', hexId(1).slice(0, 8), 'f'.repeat(12)]);
      assert.deepEqual(result.warnings, [
        `Looked up as names only: ${hexId(1).slice(0, 8)}; id prefixes need at least 12 characters`,
      ]);
    });

    it('refuses a name used on several hosts unless the selector narrows it to one', () => {
      const containers = [
        container({ name: 'web', host: 'a' }),
        container({ name: 'web', host: 'b' }),
      ];
      const ambiguous = plan(containers, 'stop', { ids: ['web'] });
      assert.deepEqual(ambiguous.targets, []);
      assert.deepEqual(ambiguous.missing, ['web']);
      assert.match(
        ambiguous.warnings[0]!,
        /^Ambiguous, so left out: "web" \(2 containers on a, b\)/,
      );

      const narrowed = plan(containers, 'stop', { ids: ['web'], selector: 'host=b' });
      assert.deepEqual(narrowed.targets.map((t) => t.host), ['b']);
      assert.deepEqual(narrowed.missing, []);
    });

    it('acts on a container once however many ids name it', () => {
      const one = container({ name: 'solo', id: hexId(9) });
      const result = plan([one], 'stop', { ids: ['solo', hexId(9), hexId(9).slice(0, 12)] });
      assert.equal(result.targets.length, 1);
    });

    it('returns targets as plain four-field records', () => {
      const result = plan(fleet, 'restart', { ids: ['db-1'] });
      assert.deepEqual(result.targets, [
        { id: fleet[2]!.id, name: 'db-1', state: 'running', host: 'local' },
      ]);
    });
  });

  describe('no-ops', () => {
    const all = [
      container({ name: 'a-created', state: 'created' }),
      container({ name: 'b-running', state: 'running' }),
      container({ name: 'c-paused', state: 'paused' }),
      container({ name: 'd-restarting', state: 'restarting' }),
      container({ name: 'e-removing', state: 'removing' }),
      container({ name: 'f-exited', state: 'exited' }),
      container({ name: 'g-dead', state: 'dead' }),
    ];

    function skips(kind: OperationKind, force?: boolean): Record<string, string> {
      const result = plan(all, kind, { selector: '*', options: { force } });
      return Object.fromEntries(result.skipped.map((s) => [s.target.name, s.reason]));
    }

    it('skips starting what is up, paused, dead or being removed', () => {
      assert.deepEqual(skips('start'), {
        'b-running': 'already running',
        'c-paused': 'paused: unpause it instead',
        'd-restarting': 'restarting: already starting',
        'e-removing': 'being removed',
        'g-dead': 'dead: it can only be removed',
      });
    });

    it('stops and kills paused containers but skips those already down', () => {
      assert.deepEqual(skips('stop'), {
        'a-created': 'already stopped',
        'e-removing': 'being removed',
        'f-exited': 'already stopped',
        'g-dead': 'already stopped',
      });
      assert.deepEqual(skips('kill'), {
        'a-created': 'not running',
        'e-removing': 'being removed',
        'f-exited': 'not running',
        'g-dead': 'not running',
      });
    });

    it('pauses only running containers and unpauses only paused ones', () => {
      assert.deepEqual(Object.keys(skips('pause')).length, 6);
      assert.equal(skips('pause')['c-paused'], 'already paused');
      assert.equal(skips('pause')['f-exited'], 'not running');
      assert.deepEqual(
        names(plan(all, 'unpause', { selector: '*' })),
        ['c-paused'],
      );
      assert.equal(skips('unpause')['b-running'], 'not paused');
    });

    it('restarts any state except dead and being removed', () => {
      assert.deepEqual(Object.keys(skips('restart')), ['e-removing', 'g-dead']);
    });

    it('removes running or paused containers only with force, and warns what force kills', () => {
      assert.equal(skips('remove')['b-running'], 'running: remove needs force');
      assert.equal(skips('remove')['c-paused'], 'paused: remove needs force');
      const forced = plan(all, 'remove', { selector: '*', options: { force: true } });
      assert.deepEqual(Object.keys(skips('remove', true)), ['e-removing']);
      assert.ok(
        forced.warnings.includes('Forced remove kills 3 running containers without a grace period'),
      );
    });
  });

  describe('order and waves', () => {
    // web -> api -> (db, cache); worker -> db; all on one host in project "shop".
    const shop = [
      composeContainer('shop', 'web', ['api'], { state: 'exited' }),
      composeContainer('shop', 'api', ['db', 'cache'], { state: 'exited' }),
      composeContainer('shop', 'db', [], { state: 'exited' }),
      composeContainer('shop', 'cache', [], { state: 'exited' }),
      composeContainer('shop', 'worker', ['db'], { state: 'exited' }),
      container({ name: 'standalone', state: 'exited' }),
    ];
    const waveOf = (p: ReturnType<typeof plan>): Record<string, number> =>
      Object.fromEntries(p.targets.map((t, i) => [t.name, p.waves[i]!]));

    it('starts dependencies first, in waves, never holding back others', () => {
      const result = plan(shop, 'start', { selector: '*' });
      assert.deepEqual(waveOf(result), {
        standalone: 0,
        'shop-cache-1': 0,
        'shop-db-1': 0,
        'shop-api-1': 1,
        'shop-worker-1': 1,
        'shop-web-1': 2,
      });
      assert.deepEqual(result.waves, [...result.waves].sort((a, b) => a - b));
    });

    it('stops dependents first, in the reverse waves', () => {
      const running = shop.map((c) => ({ ...c, state: 'running' as const }));
      const result = plan(running, 'stop', { selector: '*' });
      assert.deepEqual(waveOf(result), {
        standalone: 0,
        'shop-web-1': 0,
        'shop-worker-1': 0,
        'shop-api-1': 1,
        'shop-cache-1': 2,
        'shop-db-1': 2,
      });
    });

    it('orders restart and unpause like start, and kill, pause and remove like stop', () => {
      const running = shop.map((c) => ({ ...c, state: 'running' as const }));
      const paused = shop.map((c) => ({ ...c, state: 'paused' as const }));
      assert.equal(waveOf(plan(running, 'restart', { selector: '*' }))['shop-web-1'], 2);
      assert.equal(waveOf(plan(paused, 'unpause', { selector: '*' }))['shop-web-1'], 2);
      for (const kind of ['kill', 'pause'] as const) {
        assert.equal(waveOf(plan(running, kind, { selector: '*' }))['shop-db-1'], 2, kind);
      }
      assert.equal(waveOf(plan(shop, 'remove', { selector: '*' }))['shop-db-1'], 2);
    });

    it('orders each wave by host, then project, then name', () => {
      const mixed = [
        composeContainer('zeta', 'b', [], { host: 'h1', state: 'exited' }),
        composeContainer('alpha', 'b', [], { host: 'h2', state: 'exited' }),
        composeContainer('alpha', 'a', [], { host: 'h1', state: 'exited' }),
        container({ name: 'zz', host: 'h1', state: 'exited' }),
        container({ name: 'aa', host: 'h2', state: 'exited' }),
      ];
      assert.deepEqual(names(plan(mixed, 'start', { selector: '*' })), [
        'zz',
        'alpha-a-1',
        'zeta-b-1',
        'aa',
        'alpha-b-1',
      ]);
    });

    it('puts each compose project on each host in a chain of its own, the rest in chain 0',
      () => {
        const projects = [
          composeContainer('shop', 'web', ['db'], { host: 'a', state: 'exited' }),
          composeContainer('shop', 'db', [], { host: 'a', state: 'exited' }),
          composeContainer('shop', 'db', [], { host: 'b', state: 'exited' }),
          composeContainer('blog', 'db', [], { host: 'a', state: 'exited' }),
          container({ name: 'standalone', host: 'a', state: 'exited' }),
        ];
        const result = plan(projects, 'start', { selector: '*' });
        const chainOf = (name: string): number => result.chains[names(result).indexOf(name)]!;

        assert.equal(chainOf('standalone'), 0);
        assert.equal(chainOf('shop-web-1'), chainOf('shop-db-1'));
        const distinct = new Set(result.targets.map((t, i) => `${t.host}/${result.chains[i]}`));
        assert.equal(distinct.size, 4, 'a/shop, b/shop, a/blog and the standalone container');
        assert.ok(result.chains.every((c, i) => c > 0 || names(result)[i] === 'standalone'));
      });

    it('puts every target in one wave and one chain when dependency order is off', () => {
      const result = plan(shop, 'start', { selector: '*', options: { dependencyOrder: false } });

      assert.equal(result.targets.length, shop.length);
      assert.ok(result.waves.every((w) => w === 0));
      assert.ok(result.chains.every((c) => c === 0));
    });

    it('resolves dependencies only within the same project on the same host', () => {
      const split = [
        composeContainer('shop', 'web', ['db'], { host: 'a', state: 'exited' }),
        composeContainer('shop', 'db', [], { host: 'b', state: 'exited' }),
        composeContainer('blog', 'db', [], { host: 'a', state: 'exited' }),
      ];
      assert.deepEqual(plan(split, 'start', { selector: '*' }).waves, [0, 0, 0]);
    });

    it('does not wait for a dependency that is not part of the operation', () => {
      const result = plan(shop, 'start', { selector: 'service=web,api' });
      assert.deepEqual(waveOf(result), { 'shop-api-1': 0, 'shop-web-1': 1 });
    });

    it('puts every replica of a service in the same wave', () => {
      const replicas = [
        composeContainer('shop', 'web', ['db'], { name: 'shop-web-1', state: 'exited' }),
        composeContainer('shop', 'web', ['db'], { name: 'shop-web-2', state: 'exited' }),
        composeContainer('shop', 'db', [], { name: 'shop-db-1', state: 'exited' }),
        composeContainer('shop', 'db', [], { name: 'shop-db-2', state: 'exited' }),
      ];
      const result = plan(replicas, 'start', { selector: '*' });
      assert.deepEqual(names(result), ['shop-db-1', 'shop-db-2', 'shop-web-1', 'shop-web-2']);
      assert.deepEqual(result.waves, [0, 0, 1, 1]);
    });

    it('breaks a dependency cycle into a last wave and names the services on it', () => {
      const cyclic = [
        composeContainer('loop', 'a', ['b'], { state: 'exited' }),
        composeContainer('loop', 'b', ['c'], { state: 'exited' }),
        composeContainer('loop', 'c', ['a'], { state: 'exited' }),
        composeContainer('loop', 'd', ['a'], { state: 'exited' }),
        composeContainer('loop', 'base', [], { state: 'exited' }),
      ];
      const result = plan(cyclic, 'start', { selector: '*' });
      assert.deepEqual(waveOf(result), {
        'loop-base-1': 0,
        'loop-a-1': 1,
        'loop-b-1': 1,
        'loop-c-1': 1,
        'loop-d-1': 1,
      });
      assert.deepEqual(result.warnings, [
        'Dependency cycle among services a, b, c of project "loop" on host "local": they run ' +
          'together in the last wave, in no particular order',
      ]);
    });
  });

  describe('summary', () => {
    const spread = [
      container({ name: 'a1', host: 'alpha' }),
      container({ name: 'a2', host: 'alpha' }),
      container({ name: 'a3', host: 'alpha' }),
      container({ name: 'b1', host: 'beta' }),
      container({ name: 'b2', host: 'beta', state: 'exited' }),
    ];

    it('counts targets per host, skipped containers excluded', () => {
      assert.deepEqual(plan(spread, 'stop', { selector: '*' }).byHost, [
        { host: 'alpha', count: 3 },
        { host: 'beta', count: 1 },
      ]);
    });

    it('samples the first target names in execution order', () => {
      assert.deepEqual(plan(spread, 'stop', { selector: '*', sampleSize: 2 }).sample, [
        'a1',
        'a2',
      ]);
      assert.equal(plan(spread, 'stop', { selector: '*' }).sample.length, 4);
    });

    it("uses the queue's batch size per kind unless the options set a concurrency", () => {
      assert.equal(plan(spread, 'start', { selector: '*' }).batchSize, DEFAULT_CONCURRENCY.start);
      assert.equal(plan(spread, 'stop', { selector: '*' }).batchSize, DEFAULT_CONCURRENCY.stop);
      assert.ok(DEFAULT_CONCURRENCY.stop > DEFAULT_CONCURRENCY.start);
      const fixed = plan(spread, 'stop', { selector: '*', options: { concurrency: 3 } });
      assert.equal(fixed.batchSize, 3);
    });
  });

  describe('estimate', () => {
    const spread = [
      ...[1, 2, 3, 4].map((n) => container({ name: `a${n}`, host: 'alpha' })),
      ...[1, 2].map((n) => container({ name: `b${n}`, host: 'beta' })),
    ];

    it('takes the slowest host when hosts run in parallel', () => {
      const result = plan(spread, 'kill', {
        selector: '*',
        observedRates: { alpha: { kill: 2 }, beta: { kill: 0.5 } },
      });
      assert.equal(result.estimate?.durationMs, 4_000);
      assert.equal(result.estimate?.upperBoundMs, undefined);
      assert.equal(
        result.estimate?.basis,
        'observed kill rate: alpha 2/s for 4 (2s), beta 0.5/s for 2 (4s); ' +
          'hosts run in parallel, the slowest sets it',
      );
    });

    it('gives no estimate when a host with targets has no usable rate', () => {
      const observedRates = { alpha: { kill: 2 } };
      const partial = plan(spread, 'kill', { selector: '*', observedRates });
      assert.equal(partial.estimate, undefined);
      const zero = plan(spread, 'kill', {
        selector: '*',
        observedRates: { alpha: { kill: 2 }, beta: { kill: 0 } },
      });
      assert.equal(zero.estimate, undefined);
      assert.equal(plan(spread, 'kill', { selector: '*' }).estimate, undefined);
    });

    it('bounds a stop by the grace period of every batch, per wave, on the worst host', () => {
      const many = Array.from({ length: 5 }, (_, i) => container({ name: `s${i}`, host: 'h' }));
      const result = plan(many, 'stop', {
        selector: '*',
        options: { graceSeconds: 30, concurrency: 2 },
        observedRates: { h: { stop: 10 } },
      });
      assert.equal(result.estimate?.durationMs, 500);
      assert.equal(result.estimate?.upperBoundMs, 90_000);
      assert.ok(
        result.estimate?.basis.endsWith(
          'Containers that ignore SIGTERM wait out the 30s grace in each batch of 2: ' +
            'at most 30s × 3 batches = 1m 30s on h',
        ),
      );
    });

    it("assumes Docker's 10 second grace period when none is given", () => {
      const one = [container({ name: 'x', host: 'h' })];
      const result = plan(one, 'restart', { selector: '*', observedRates: { h: { restart: 1 } } });
      assert.equal(result.estimate?.upperBoundMs, 10_000);
      assert.match(result.estimate?.basis ?? '', /10s grace \(Docker's default\)/);
    });

    it('estimates nothing to do as zero', () => {
      const result = plan(spread, 'start', { selector: '*' });
      assert.deepEqual(result.estimate, { durationMs: 0, basis: 'nothing to do' });
    });
  });
});
