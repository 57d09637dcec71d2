// Random and malformed messages from the Operations panel's page, each with what the host
// must do with it, made from a seed so that a failing run can be repeated exactly.
import { MAX_ID_CHARS } from '../../../src/extension/panel/panelProtocol';

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** What the host must do with one message, decided when the message is made. */
export interface FuzzCase {
  readonly message: unknown;
  readonly valid: boolean;
  /** The id a result must carry: every valid request, and malformed ones with a usable id. */
  readonly answerId?: string;
  /** For a valid request: whether the result says ok. Malformed ones always say not ok. */
  readonly ok?: boolean;
  /** A valid selection of this operation must post its items before the result. */
  readonly itemsOf?: string;
  /** A valid priority change the running operation must end up with, if it is the last. */
  readonly priority?: number;
}

export interface Operations {
  readonly done: string;
  readonly running: string;
}

/** Makes the messages; a quarter are valid, the rest each break the protocol in one way. */
export function makeCases(
  random: () => number,
  ops: Operations,
  total: number,
): FuzzCase[] {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const unknownId = (): string => `op-${Math.floor(random() * 1e9).toString(36)}`;
  // A few strings of a megabyte; more would only slow the webview's transport down.
  const huge = (): string => 'x'.repeat(random() < 0.03 ? 1_000_000
    : pick([MAX_ID_CHARS + 1, 4097, 65_536]));
  const deep = (): unknown => {
    let value: unknown = 'bottom';
    const depth = 100 + Math.floor(random() * 1900);
    for (let d = 0; d < depth; d++) value = random() < 0.5 ? [value] : { deeper: value };
    return value;
  };
  // Of the wrong type for the field: a number is wrong for a string, but 0 is a priority.
  const wrongType = (field: string): unknown =>
    pick<() => unknown>([() => null, () => true, () => [], () => ({}), () => [ops.running],
      () => ({ toString: 'op' }), deep,
      ...(field === 'priority' ? [() => '0'] : [() => 0, () => -1, () => 1e308])])();
  const cases: FuzzCase[] = [];

  for (let i = 0; i < total; i++) {
    const id = `f${i}-${Math.floor(random() * 1e6)}`;
    if (random() < 0.25) {
      cases.push(validCase(id));
    } else {
      cases.push(malformedCase(id));
    }
  }
  return cases;

  function validCase(id: string): FuzzCase {
    switch (pick(['select', 'select', 'priority', 'unknown', 'resume', 'ready'] as const)) {
      case 'select': {
        const target = pick([ops.done, ops.running]);
        return { message: { type: 'selectOperation', id, operationId: target }, valid: true,
          answerId: id, ok: true, itemsOf: target };
      }
      case 'priority': {
        const priority = Math.floor(random() * 2001) - 1000;
        return { message: { type: 'setPriority', id, operationId: ops.running, priority },
          valid: true, answerId: id, ok: true, priority };
      }
      case 'unknown': {
        // Well formed, but naming an operation the engine does not have: refused as data.
        const type = pick(['cancel', 'rollback', 'retry', 'rerun', 'resume', 'selectOperation',
          'setPriority', 'decide'] as const);
        const message: Record<string, unknown> = { type, id, operationId: unknownId() };
        if (type === 'setPriority') message.priority = 3;
        if (type === 'decide') message.decision = pick(['continue', 'cancel', 'rollback']);
        return { message, valid: true, answerId: id, ok: false };
      }
      case 'resume':
        // The finished operation was not interrupted, so the engine refuses to resume it.
        return { message: { type: 'resume', id, operationId: ops.done }, valid: true,
          answerId: id, ok: false };
      case 'ready':
        return { message: random() < 0.5 ? { type: 'ready' }
          : { type: 'ready', selectedOperationId: ops.done }, valid: true };
    }
  }

  // Starts from a request that would act on a real operation (cancel the running one, roll
  // back or retry the finished one, clear the history) and breaks exactly one thing in it.
  function malformedCase(id: string): FuzzCase {
    const base: Record<string, unknown> = pick<() => Record<string, unknown>>([
      () => ({ type: 'cancel', id, operationId: ops.running }),
      () => ({ type: 'setPriority', id, operationId: ops.running, priority: 7 }),
      () => ({ type: 'decide', id, operationId: ops.running, decision: 'cancel' }),
      () => ({ type: 'rollback', id, operationId: ops.done }),
      () => ({ type: 'retry', id, operationId: ops.done, itemIds: [] }),
      () => ({ type: 'rerun', id, operationId: ops.done }),
      () => ({ type: 'selectOperation', id, operationId: ops.done }),
      () => ({ type: 'clearHistory', id }),
      () => ({ type: 'ready', selectedOperationId: ops.done }),
    ])();
    const fields = Object.keys(base);
    // Only a required field may be dropped or spoiled: without an optional one (retry's
    // itemIds, ready's selection) the message would still be valid, and act.
    const required = fields.filter((f) => f !== 'itemIds' && f !== 'selectedOperationId');
    const message = { ...base };

    switch (pick(['drop', 'wrongType', 'length', 'extraKey', 'type', 'value', 'notRecord'])) {
      case 'drop':
        delete message[pick(required)];
        break;
      case 'wrongType': {
        const field = pick(required);
        message[field] = wrongType(field);
        break;
      }
      case 'length':
        message[pick(fields.filter((f) => typeof base[f] === 'string'))] =
          random() < 0.2 ? '' : huge();
        break;
      case 'extraKey': {
        const key = pick(['__proto__', 'constructor', 'prototype', 'polluted', 'toString',
          'hasOwnProperty', 'valueOf', 'extra']);
        // Set as an own key, as JSON.parse makes it; a literal `__proto__:` would not be one.
        Object.defineProperty(message, key, { value: random() < 0.5 ? { polluted: true }
          : deep(), enumerable: true, writable: true, configurable: true });
        break;
      }
      case 'type':
        message.type = pick(['', 'Cancel', 'CANCEL', 'cancel ', 'eval', '__proto__',
          'constructor', 'toString', 'hasOwnProperty', 'result', 'snapshot', 'x'.repeat(33)]);
        break;
      case 'value':
        if (base.type === 'setPriority') {
          message.priority = pick([1001, -1001, 1.5, 2 ** 53, -0.5, 1e308, '5', null]);
        } else if (base.type === 'decide') {
          message.decision = pick(['explode', 'Continue', '', '__proto__', 'toString']);
        } else if (base.type === 'retry') {
          message.itemIds = pick<() => unknown>([() => 'a', () => [1], () => [''], () => [null],
            () => [huge()], () => [[ops.done]], () => Array.from({ length: 1001 }, (_, k) =>
              `item-${k}`)])();
        } else {
          const field = pick(required);
          message[field] = wrongType(field);
        }
        break;
      case 'notRecord':
        return { message: pick<() => unknown>([() => null, () => 0, () => 42, () => true,
          () => 'cancel', () => '', () => [], () => [base], () => huge(), deep])(),
        valid: false };
    }
    return { message, valid: false, answerId: usableId(message) };
  }
}

// The page waits for a result under any id a request could carry, readable or not.
function usableId(message: Record<string, unknown>): string | undefined {
  const id = Object.hasOwn(message, 'id') ? message.id : undefined;
  return typeof id === 'string' && id.length >= 1 && id.length <= MAX_ID_CHARS ? id : undefined;
}
