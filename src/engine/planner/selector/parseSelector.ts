import { CONTAINER_STATES, type ContainerState } from '../../model/container';
import { compileGlob } from './glob';
import { imagePatternScope } from './imageReference';
import { parseDuration } from './parseDuration';
import { parseIsoTime } from './parseIsoTime';
import { isSpace, scanValues, type ScannedValue } from './scanValues';
import { SelectorSyntaxError } from './selectorSyntaxError';
import type {
  ComparisonOperator,
  LabelPattern,
  Selector,
  SelectorClause,
  SelectorTerm,
  TextPattern,
} from './selectorTypes';

const FIELDS = [
  'status',
  'state',
  'label',
  'project',
  'service',
  'image',
  'name',
  'host',
  'id',
  'age',
  'created',
] as const;

type Field = (typeof FIELDS)[number];

const FIELD_LIST = FIELDS.join(', ');
const STATE_LIST = `${CONTAINER_STATES.slice(0, -1).join(', ')} or ${CONTAINER_STATES.at(-1)}`;
const REGEX_FLAGS = /^[imsuv]*$/;

/**
 * Parses selector text (see SELECTOR_HELP) into a compiled AST, or throws SelectorSyntaxError;
 * empty text is an error, so a blank input box can never select every container.
 */
export function parseSelector(text: string): Selector {
  const clauses: SelectorClause[] = [];
  let pos = skipSpaces(text, 0);

  while (pos < text.length) {
    const parsed = parseClause(text, pos);
    clauses.push(parsed.clause);
    pos = skipSpaces(text, parsed.end);
  }

  if (clauses.length === 0) {
    throw new SelectorSyntaxError({
      column: text.length + 1,
      expected: 'a term such as status=running or a container name',
    });
  }
  return { type: 'selector', clauses };
}

function parseClause(text: string, start: number): { clause: SelectorClause; end: number } {
  const negated = text[start] === '!';
  const pos = negated ? start + 1 : start;
  if (negated && (pos >= text.length || isSpace(text[pos]!) || text[pos] === '!')) {
    throw new SelectorSyntaxError({ column: pos + 1, expected: 'a term', after: '!' });
  }

  const wordPattern = /[A-Za-z]+/y;
  wordPattern.lastIndex = pos;
  const word = wordPattern.exec(text)?.[0] ?? '';
  const operator = text[pos + word.length];
  if (word === '' || (operator !== '=' && operator !== '<' && operator !== '>')) {
    const scanned = scanValues(text, pos, start, true);
    const term: SelectorTerm = { type: 'name', patterns: scanned.values.map(namePattern) };
    return { clause: { negated, term, column: start + 1 }, end: scanned.end };
  }

  const field = FIELDS.find((f) => f === word);
  if (field === undefined) {
    throw new SelectorSyntaxError({
      column: pos + 1,
      expected: `a term name (${FIELD_LIST})`,
      found: word,
    });
  }

  const operatorAt = pos + word.length;
  const comparison = field === 'age' || field === 'created';
  if (comparison !== (operator !== '=')) {
    throw new SelectorSyntaxError({
      column: operatorAt + 1,
      expected: comparison ? '">" or "<"' : '"="',
      after: field,
      found: operator,
    });
  }

  const scanned = scanValues(text, operatorAt + 1, start, field === 'name');
  const term = buildTerm(field, operator as '=' | ComparisonOperator, scanned.values);
  return { clause: { negated, term, column: start + 1 }, end: scanned.end };
}

function buildTerm(
  field: Field,
  operator: '=' | ComparisonOperator,
  values: readonly ScannedValue[],
): SelectorTerm {
  switch (field) {
    case 'status':
    case 'state':
      return { type: 'status', states: unique(values.map(state)) };
    case 'label':
      return { type: 'label', labels: values.map(labelPattern) };
    case 'project':
    case 'service':
    case 'host':
      return { type: field, patterns: values.map((v) => compileGlob(v.text)) };
    case 'image':
      return {
        type: 'image',
        patterns: values.map((v) => ({
          pattern: compileGlob(v.text),
          scope: imagePatternScope(v.text),
        })),
      };
    case 'name':
      return { type: 'name', patterns: values.map(namePattern) };
    case 'id':
      return { type: 'id', prefixes: unique(values.map((v) => v.text)) };
    case 'age':
      return { type: 'age', operator: operator as ComparisonOperator, ms: duration(values) };
    case 'created':
      return { type: 'created', operator: operator as ComparisonOperator, ms: time(values) };
  }
}

function state(value: ScannedValue): ContainerState {
  const found = CONTAINER_STATES.find((s) => s === value.text);
  if (found === undefined) {
    throw new SelectorSyntaxError({
      column: value.column,
      expected: `a state (${STATE_LIST})`,
      found: value.text,
    });
  }
  return found;
}

function labelPattern(value: ScannedValue): LabelPattern {
  const key = value.equalsAt < 0 ? value.text : value.text.slice(0, value.equalsAt);
  if (key === '') {
    throw new SelectorSyntaxError({ column: value.column, expected: 'a label key' });
  }
  if (value.equalsAt < 0) {
    return { key };
  }
  return { key, value: compileGlob(value.text.slice(value.equalsAt + 1)) };
}

function namePattern(value: ScannedValue): TextPattern {
  if (value.regex === undefined) {
    return compileGlob(value.text);
  }

  const { body, flags } = value.regex;
  const flagsColumn = value.column + body.length + 2;
  // `g` and `y` make RegExp.test remember where it stopped, so one regex would answer
  // differently for the same name depending on what it matched before.
  if (!REGEX_FLAGS.test(flags)) {
    throw new SelectorSyntaxError({
      column: flagsColumn,
      expected: 'regex flags among i, m, s, u and v',
      found: flags,
    });
  }
  try {
    return { kind: 'regex', source: value.text, regex: new RegExp(body, flags) };
  } catch (error) {
    throw new SelectorSyntaxError({
      column: value.column,
      expected: 'a valid regular expression',
      detail: error instanceof Error ? error.message : String(error),
    });
  }
}

function duration(values: readonly ScannedValue[]): number {
  const value = single(values, 'one duration');
  const ms = parseDuration(value.text);
  if (ms === undefined) {
    throw new SelectorSyntaxError({
      column: value.column,
      expected: 'a duration such as 30m, 2h or 1d12h (units s, m, h, d, w)',
      found: value.text,
    });
  }
  return ms;
}

function time(values: readonly ScannedValue[]): number {
  const value = single(values, 'one date');
  const ms = parseIsoTime(value.text);
  if (ms === undefined) {
    throw new SelectorSyntaxError({
      column: value.column,
      expected: 'a date such as 2026-01-01 or 2026-01-01T12:00',
      found: value.text,
    });
  }
  return ms;
}

// Alternatives make no sense for a comparison: `age>1h,2h` is just `age>1h`.
function single(values: readonly ScannedValue[], what: string): ScannedValue {
  if (values.length > 1) {
    throw new SelectorSyntaxError({
      column: values[1]!.column - 1,
      expected: `${what}, without "," alternatives`,
    });
  }
  return values[0]!;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function skipSpaces(text: string, start: number): number {
  let pos = start;
  while (pos < text.length && isSpace(text[pos]!)) {
    pos++;
  }
  return pos;
}
