import { SelectorSyntaxError } from '../selector/selectorSyntaxError';
import type { WireError } from './plannerProtocol';
import { PlannerRequestError } from './plannerRequestError';

/**
 * Rebuilds a typed error from the worker's error data, so a caller catches the same
 * SelectorSyntaxError whether the selector was parsed here or in the worker.
 */
export function errorFromWire(error: WireError): Error {
  if (error.code === 'SELECTOR_SYNTAX') {
    return new SelectorSyntaxError({
      column: error.column ?? 1,
      expected: error.expected ?? 'a valid selector',
      message: error.message,
    });
  }
  return new PlannerRequestError(error.code, error.message);
}
