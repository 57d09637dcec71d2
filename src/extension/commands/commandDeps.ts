import type { OperationsPanel } from '../panel/operationsPanel';
import type { RunDeps } from '../operations/runOperation';
import type { ContainersView } from '../tree/containersView';

/** What the commands need, passed in from activation; there is no global to reach for. */
export interface CommandDeps extends RunDeps {
  readonly view: ContainersView;
  readonly panel: OperationsPanel;
}
