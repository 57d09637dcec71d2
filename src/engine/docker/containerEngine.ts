import type { ContainerSummary } from '../model/container';
import type { ContainerInspection } from './dockerAdapter';

/**
 * The engine calls an operation makes, as `DockerAdapter` implements them. Operations
 * depend on this shape alone, so a simulated engine with a latency model can stand in for
 * controller tests, while integration tests drive a real daemon through the adapter.
 */
export interface ContainerEngine {
  readonly hostName: string;
  ping(signal: AbortSignal): Promise<void>;
  list(signal: AbortSignal): Promise<ContainerSummary[]>;
  inspect(id: string, signal: AbortSignal): Promise<ContainerInspection>;
  start(id: string, signal: AbortSignal): Promise<void>;
  stop(id: string, graceSeconds: number, signal: AbortSignal): Promise<void>;
  restart(id: string, graceSeconds: number, signal: AbortSignal): Promise<void>;
  kill(id: string, killSignal: string, signal: AbortSignal): Promise<void>;
  pause(id: string, signal: AbortSignal): Promise<void>;
  unpause(id: string, signal: AbortSignal): Promise<void>;
  remove(
    id: string,
    options: { force?: boolean; volumes?: boolean },
    signal: AbortSignal,
  ): Promise<void>;
}
