// Measures planning in the worker as the extension host experiences it: how long a plan
// of N containers takes end to end, and how much it delays the host's event loop compared
// with the same process idling for as long. Run: npx tsx bench/planner.ts [--sizes 10000,100000]
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  COMPOSE_DEPENDS_ON_LABEL,
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
  type ContainerState,
  type ContainerSummary,
} from '../src/engine/model/container';
import { PlannerClient } from '../src/engine/planner/worker/plannerClient';
import { planInWorker, type PlanInWorkerRequest } from '../src/engine/planner/worker/planInWorker';

/** One line of the benchmark's output; delays are in milliseconds. */
export interface PlannerBenchResult {
  readonly size: number;
  /** From the plan request to a materialised Plan, the snapshot already uploaded. */
  readonly planMs: number;
  /** Chunked upload of the snapshot to the worker, until it is committed. */
  readonly uploadMs: number;
  readonly hostEventLoopDelayP50Ms: number;
  readonly hostEventLoopDelayP99Ms: number;
  readonly hostEventLoopDelayMaxMs: number;
  /** The same process idling for upload + plan time: what the machine adds on its own. */
  readonly baselineDelayP99Ms: number;
  /** hostEventLoopDelayP99Ms / baselineDelayP99Ms: the figure to compare between runs. */
  readonly p99Ratio: number;
  /** Share of the run the host's event loop was busy (0 to 1): what the host paid in CPU. */
  readonly hostEventLoopUtilization: number;
}

/** The plan the benchmark asks for unless told otherwise: a selector that reads labels. */
export const BENCH_PLAN: Omit<PlanInWorkerRequest, 'nowMs'> = {
  kind: 'stop',
  selector: 'status=running,paused,restarting !name=*-canary-* label=tier',
  options: { graceSeconds: 10 },
};

const STATES: readonly ContainerState[] = [
  'running', 'running', 'running', 'exited', 'paused', 'created', 'exited', 'dead', 'restarting',
];
const SERVICES: readonly (readonly [string, string])[] = [
  ['db', ''],
  ['cache', ''],
  ['api', 'db:service_healthy:true,cache:service_started:false'],
  ['worker', 'db:service_started:false'],
  ['web', 'api:service_started:true'],
  ['proxy', 'web:service_started:false'],
];

/**
 * Builds `size` containers over `hosts` engines, four in five in compose projects with
 * depends_on chains, with states, images, ages and labels varied for every selector term.
 */
export function syntheticContainers(size: number, hosts = 4): ContainerSummary[] {
  const nowMs = Date.now();
  const out: ContainerSummary[] = [];
  for (let i = 0; i < size; i++) {
    const host = `engine-${i % hosts}`;
    const compose = i % 5 !== 4;
    const [service, dependsOn] = SERVICES[Math.floor(i / hosts) % SERVICES.length]!;
    const project = `shop${Math.floor(i / (hosts * SERVICES.length))}`;
    const labels: Record<string, string> = {
      maintainer: 'platform@example.com',
      tier: i % 3 === 0 ? 'frontend' : 'backend',
      'org.opencontainers.image.version': `1.${i % 40}.0`,
    };
    if (compose) {
      labels[COMPOSE_PROJECT_LABEL] = project;
      labels[COMPOSE_SERVICE_LABEL] = service;
      if (dependsOn !== '') {
        labels[COMPOSE_DEPENDS_ON_LABEL] = dependsOn;
      }
    }
    out.push({
      id: (i + 1).toString(16).padStart(16, '0').repeat(4),
      name: compose ? `${project}-${service}-1` : `job-${i}${i % 50 === 0 ? '-canary-1' : ''}`,
      image: compose ? `registry.local:5000/${service}:1.${i % 7}` : 'busybox',
      state: STATES[(i * 7) % STATES.length]!,
      status: 'Up 2 hours',
      labels,
      createdMs: nowMs - (i % 1000) * 60_000,
      host,
    });
  }
  return out;
}

/**
 * Uploads and plans `containers` through a warm `client` while recording the host's event
 * loop delay, then idles as long for the baseline; the main benchmark reuses it.
 */
export async function measurePlannerRun(
  client: PlannerClient,
  containers: readonly ContainerSummary[],
  request: Omit<PlanInWorkerRequest, 'nowMs'> = BENCH_PLAN,
): Promise<PlannerBenchResult> {
  await collectGarbage();
  const during = monitorEventLoopDelay({ resolution: 1 });
  during.enable();
  const busyBefore = performance.eventLoopUtilization();

  const started = performance.now();
  await client.ensureSnapshot(containers);
  const uploaded = performance.now();
  await planInWorker(client, containers, { ...request, nowMs: Date.now() });
  const finished = performance.now();
  during.disable();
  const busy = performance.eventLoopUtilization(busyBefore);

  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, finished - started));
  idle.disable();

  const ms = (ns: number): number => Math.round(ns / 10_000) / 100;
  const p99 = ms(during.percentile(99));
  const baseline = ms(idle.percentile(99));
  return {
    size: containers.length,
    planMs: Math.round(finished - uploaded),
    uploadMs: Math.round(uploaded - started),
    hostEventLoopDelayP50Ms: ms(during.percentile(50)),
    hostEventLoopDelayP99Ms: p99,
    hostEventLoopDelayMaxMs: ms(during.max),
    baselineDelayP99Ms: baseline,
    p99Ratio: Math.round((p99 / baseline) * 100) / 100,
    hostEventLoopUtilization: Math.round(busy.utilization * 100) / 100,
  };
}

// Building the synthetic snapshot leaves the heap full of fresh objects; collecting them,
// and letting the collector's background sweeping finish, keeps that cleanup (which the
// extension host pays long before any plan) out of the measurement. Without a way to force
// a collection the run simply includes it.
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
  if (typeof gc === 'function') {
    gc();
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}

function parseSizes(argv: readonly string[]): number[] {
  const at = argv.indexOf('--sizes');
  const text = at >= 0 ? argv[at + 1] : undefined;
  const sizes = (text ?? '10000,100000').split(',').map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    throw new TypeError(`Expected --sizes to be positive integers, like 10000,100000, got ${text}`);
  }
  return sizes;
}

async function main(): Promise<void> {
  const sizes = parseSizes(process.argv.slice(2));
  const client = new PlannerClient({
    workerPath: path.join(__dirname, '../src/engine/planner/worker/plannerWorker.ts'),
    execArgv: ['--require', require.resolve('tsx/cjs')],
  });

  try {
    // Warm up: start the worker and let both threads compile the planner's hot paths.
    await measurePlannerRun(client, syntheticContainers(5_000));
    for (const size of sizes) {
      const containers = syntheticContainers(size);
      console.log(JSON.stringify(await measurePlannerRun(client, containers)));
    }
  } finally {
    client.dispose();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
