/** What went wrong in a selector and where, enough to build the message. */
export interface SelectorSyntaxErrorInit {
  /** 1-based column of the offending character (one past the end for a missing part). */
  readonly column: number;
  /** What the parser wanted there, such as `a value` or `a duration such as 2h`. */
  readonly expected: string;
  /** The text just before the column, quoted in the message to point at the term. */
  readonly after?: string;
  /** The text found instead, when there was some. */
  readonly found?: string;
  /** An extra explanation, such as the regex engine's own complaint. */
  readonly detail?: string;
  /** A ready message, used when an error is rebuilt from data that crossed a thread. */
  readonly message?: string;
}

/**
 * Thrown by `parseSelector` for text that is not a selector. `column` and `expected` let
 * the Command Palette underline the spot and the CLI print a caret under it.
 */
export class SelectorSyntaxError extends Error {
  override readonly name = 'SelectorSyntaxError';
  readonly column: number;
  readonly expected: string;

  constructor(init: SelectorSyntaxErrorInit) {
    super(init.message ?? formatMessage(init));
    this.column = init.column;
    this.expected = init.expected;
  }
}

/** True for a SelectorSyntaxError, including one from another realm or rebuilt from data. */
export function isSelectorSyntaxError(error: unknown): error is SelectorSyntaxError {
  return (
    error instanceof Error &&
    error.name === 'SelectorSyntaxError' &&
    typeof (error as { column?: unknown }).column === 'number'
  );
}

function formatMessage(init: SelectorSyntaxErrorInit): string {
  const after = init.after === undefined ? '' : ` after "${shorten(init.after)}"`;
  const found = init.found === undefined ? '' : `, found "${shorten(init.found)}"`;
  const detail = init.detail === undefined ? '' : ` (${init.detail})`;
  return `Expected ${init.expected}${after} at column ${init.column}${found}${detail}`;
}

// Long terms would bury the position in the message; the column still says where.
function shorten(text: string): string {
  return text.length <= 40 ? text : `…${text.slice(-39)}`;
}
