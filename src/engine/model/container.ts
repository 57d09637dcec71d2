/** The states Docker reports for a container in `/containers/json`. */
export type ContainerState =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead';

export const CONTAINER_STATES: readonly ContainerState[] = [
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
];

/**
 * One container as listed by an engine, reduced to what selection, planning and
 * display need. `host` names the engine it lives on, so one snapshot can hold many.
 */
export interface ContainerSummary {
  readonly id: string;
  /** Name without Docker's leading slash. */
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  /** Docker's human status, such as "Up 3 minutes" or "Exited (0) 2 hours ago". */
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Creation time in milliseconds since the epoch. */
  readonly createdMs: number;
  readonly host: string;
}

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
export const COMPOSE_DEPENDS_ON_LABEL = 'com.docker.compose.depends_on';
