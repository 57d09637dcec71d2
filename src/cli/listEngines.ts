import { DockerAdapter } from '../engine/docker/dockerAdapter';
import type { ContainerSummary } from '../engine/model/container';
import type { CliEngine } from './resolveCliEngines';

/** An engine whose containers could not be listed, and the engine's own words for why. */
export interface UnreachableEngine {
  readonly host: string;
  readonly message: string;
}

/** The engines that answered, all their containers, and those that did not answer. */
export interface ListedEngines {
  readonly adapters: DockerAdapter[];
  readonly containers: ContainerSummary[];
  readonly unreachable: UnreachableEngine[];
  /** The first listing error, as thrown, for a caller that has only one engine. */
  readonly firstError?: unknown;
}

/**
 * Lists every engine's containers at once, so one slow engine costs its own deadline and
 * not the sum. Each container carries its engine's name in `host`.
 */
export async function listEngines(
  engines: readonly CliEngine[],
  signal: AbortSignal,
): Promise<ListedEngines> {
  const adapters = engines.map(
    (e) => new DockerAdapter({ endpoint: e.endpoint, hostName: e.hostName }),
  );
  const settled = await Promise.allSettled(adapters.map((a) => a.list(signal)));
  signal.throwIfAborted();

  const listed: ListedEngines = { adapters: [], containers: [], unreachable: [] };
  let firstError: unknown;
  settled.forEach((outcome, i) => {
    const adapter = adapters[i]!;
    if (outcome.status === 'fulfilled') {
      listed.adapters.push(adapter);
      listed.containers.push(...outcome.value);
      return;
    }
    firstError ??= outcome.reason;
    const message = outcome.reason instanceof Error
      ? outcome.reason.message
      : String(outcome.reason);
    listed.unreachable.push({ host: adapter.hostName, message });
  });
  return { ...listed, ...(firstError === undefined ? {} : { firstError }) };
}
