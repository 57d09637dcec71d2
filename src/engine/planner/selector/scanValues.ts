import { SelectorSyntaxError } from './selectorSyntaxError';

/** One comma-separated alternative of a term's value, with quotes and escapes resolved. */
export interface ScannedValue {
  /** The value with quotes removed and backslash escapes inside quotes applied. */
  readonly text: string;
  /** 1-based column of the alternative's first character. */
  readonly column: number;
  /** True when any part of it was quoted, so an empty `""` is a deliberate empty value. */
  readonly quoted: boolean;
  /** Index in `text` of the first `=` outside quotes, or -1; splits `label=KEY=VALUE`. */
  readonly equalsAt: number;
  /** Set when the alternative was written as `/body/flags`. */
  readonly regex?: { readonly body: string; readonly flags: string };
}

/** The alternatives of one value and the index just past it. */
export interface ScannedValues {
  readonly values: readonly ScannedValue[];
  readonly end: number;
}

/**
 * Reads the comma-separated alternatives from `start` to the next unquoted whitespace;
 * with `allowRegex`, `/.../flags` runs to its closing slash so a regex needs no quoting.
 */
export function scanValues(
  text: string,
  start: number,
  termStart: number,
  allowRegex: boolean,
): ScannedValues {
  const values: ScannedValue[] = [];
  let pos = start;

  for (;;) {
    const scanned =
      allowRegex && text[pos] === '/'
        ? scanRegex(text, pos)
        : scanPlain(text, pos);

    if (scanned.value.text === '' && !scanned.value.quoted && !scanned.value.regex) {
      throw new SelectorSyntaxError({
        column: pos + 1,
        expected: 'a value',
        after: text.slice(termStart, pos),
      });
    }

    values.push(scanned.value);
    pos = scanned.end;
    if (text[pos] !== ',') {
      return { values, end: pos };
    }
    pos++;
  }
}

interface Scanned {
  readonly value: ScannedValue;
  readonly end: number;
}

function scanPlain(text: string, start: number): Scanned {
  let pos = start;
  let out = '';
  let quoted = false;
  let equalsAt = -1;

  while (pos < text.length) {
    const char = text[pos]!;
    if (char === '"') {
      quoted = true;
      const closed = scanQuoted(text, pos);
      out += closed.text;
      pos = closed.end;
    } else if (char === ',' || isSpace(char)) {
      break;
    } else {
      if (char === '=' && equalsAt < 0) {
        equalsAt = out.length;
      }
      out += char;
      pos++;
    }
  }

  return { value: { text: out, column: start + 1, quoted, equalsAt }, end: pos };
}

// Inside quotes a backslash takes the next character literally, so `\"` and `\\` work.
function scanQuoted(text: string, open: number): { text: string; end: number } {
  let pos = open + 1;
  let out = '';

  while (pos < text.length) {
    const char = text[pos]!;
    if (char === '"') {
      return { text: out, end: pos + 1 };
    }
    if (char === '\\' && pos + 1 < text.length) {
      out += text[pos + 1]!;
      pos += 2;
    } else {
      out += char;
      pos++;
    }
  }

  throw new SelectorSyntaxError({
    column: text.length + 1,
    expected: 'a closing quote (")',
    detail: `the quote opened at column ${open + 1}`,
  });
}

// A `/` inside a character class or after a backslash does not close the regex.
function scanRegex(text: string, open: number): Scanned {
  let pos = open + 1;
  let inClass = false;

  while (pos < text.length) {
    const char = text[pos]!;
    if (char === '\\') {
      pos += 2;
      continue;
    }
    if (char === '[') {
      inClass = true;
    } else if (char === ']') {
      inClass = false;
    } else if (char === '/' && !inClass) {
      break;
    }
    pos++;
  }
  if (pos >= text.length) {
    throw new SelectorSyntaxError({
      column: text.length + 1,
      expected: 'a closing "/"',
      detail: `the regex opened at column ${open + 1}`,
    });
  }

  const body = text.slice(open + 1, pos);
  let end = pos + 1;
  while (end < text.length && /[A-Za-z]/.test(text[end]!)) {
    end++;
  }
  const flags = text.slice(pos + 1, end);
  if (end < text.length && text[end] !== ',' && !isSpace(text[end]!)) {
    throw new SelectorSyntaxError({
      column: end + 1,
      expected: 'a "," or a space after the regex',
      found: text[end]!,
    });
  }

  const value = { text: text.slice(open, end), column: open + 1, quoted: false, equalsAt: -1 };
  return { value: { ...value, regex: { body, flags } }, end };
}

/** True for the characters that separate terms. */
export function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}
