import type { OperationRecord } from '../../engine/model/operation';
import { pickOperation } from '../pickers/pickOperation';
import type { CommandDeps } from './commandDeps';

/**
 * The operation a command acts on: the id it was given (from a message button, the panel
 * or automation) when that operation qualifies, else one the user picks among those that do.
 */
export async function operationArg(
  deps: CommandDeps,
  arg: unknown,
  qualifies: (record: OperationRecord) => boolean,
  title: string,
  none: string,
): Promise<OperationRecord | undefined> {
  const engine = deps.connection.session?.engine;
  if (engine === undefined) return undefined;

  const id = typeof arg === 'string' ? arg
    : typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string'
      ? (arg as { id: string }).id
      : undefined;
  if (id !== undefined) {
    const record = engine.get(id);
    return record !== undefined && qualifies(record) ? record : undefined;
  }
  return pickOperation(engine.list().filter(qualifies), title, none);
}
