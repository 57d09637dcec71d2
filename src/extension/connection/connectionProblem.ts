import {
  EnginePermissionError,
  EngineTimeoutError,
  EngineUnreachableError,
} from '../../engine/docker/engineErrors';
import type { EngineLocation } from '../../engine/docker/locateEngine';
import { EndpointError } from '../../engine/docker/resolveEndpoint';

/** What the Containers view shows instead of containers; also its welcome view's `when`. */
export type EngineState =
  | 'connecting'
  | 'connected'
  | 'unreachable'
  | 'permission'
  | 'badSetting'
  | 'failed';

/** Why Stevedore cannot show containers, in words for the user, with what to do. */
export interface ConnectionProblem {
  readonly state: Exclude<EngineState, 'connecting' | 'connected'>;
  /** One sentence on what went wrong. */
  readonly message: string;
  /** One sentence on what to do about it. */
  readonly advice: string;
}

const SOURCES: Readonly<Record<EngineLocation['source'], string>> = {
  setting: 'the setting stevedore.engine.host',
  DOCKER_HOST: 'DOCKER_HOST',
  context: 'the current docker context',
  default: 'the default socket',
};

/** Which of several engines a problem is about: its name and where it was configured. */
export interface ProblemEngine {
  readonly name: string;
  readonly origin?: string;
}

/**
 * Turns a failure to locate or list into one clear problem. `location` is where Stevedore
 * looked, when it got that far, so the message can name the address and where it came from;
 * `engine` names the engine among several, so the user knows which one is meant.
 */
export function describeProblem(
  error: unknown,
  location: EngineLocation | undefined,
  engine?: ProblemEngine,
): ConnectionProblem {
  const message = error instanceof Error ? error.message : String(error);
  const origin = engine?.origin ?? (location === undefined ? undefined : sourceOf(location));
  const named = engine === undefined || engine.name === location?.endpoint.label
    ? 'the Docker engine' : `the Docker engine "${engine.name}"`;
  const where = location === undefined
    ? `${named}${engine?.origin === undefined ? '' : ` (from ${engine.origin})`}`
    : `${named} at ${location.endpoint.label} (from ${origin})`;

  if (error instanceof EndpointError) {
    return {
      state: 'badSetting',
      message: engine === undefined ? `The engine address is not usable: ${message}`
        : `The address of ${where} is not usable: ${message}`,
      advice: 'Fix stevedore.engine.host in your user settings (or DOCKER_HOST, or the docker ' +
        'context), then choose Retry.',
    };
  }
  if (error instanceof EnginePermissionError) {
    return {
      state: 'permission',
      message: `Permission denied by ${where}.`,
      advice: 'Add your user to the docker group (then log in again), or point ' +
        'stevedore.engine.host at an engine you may use, then choose Retry.',
    };
  }
  if (error instanceof EngineUnreachableError || error instanceof EngineTimeoutError) {
    const what = error instanceof EngineTimeoutError ? 'is not answering' : 'cannot be reached';
    return {
      state: 'unreachable',
      message: `${capitalize(where)} ${what} (${lastPart(message)}).`,
      advice: 'Start Docker, or set stevedore.engine.host to the engine you use; Stevedore ' +
        'reconnects by itself when it answers.',
    };
  }
  return {
    state: 'failed',
    message: `Listing containers on ${where} failed: ${message}`,
    advice: 'See the Stevedore output channel for details, then choose Retry.',
  };
}

function sourceOf(location: EngineLocation): string {
  return location.source === 'context' && location.contextName !== undefined
    ? `docker context "${location.contextName}"`
    : SOURCES[location.source];
}

// Engine errors read "list containers: cannot reach the engine (connect ENOENT /x.sock)".
function lastPart(message: string): string {
  const inner = /\(([^()]*)\)\s*$/.exec(message);
  return inner?.[1] ?? message;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
