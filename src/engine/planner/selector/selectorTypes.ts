import type { ContainerState } from '../../model/container';

/**
 * A compiled text pattern. Globs and regexes are compiled once at parse time so matching
 * 100,000 containers costs one `test` each; `source` is the text as written, for display.
 */
export type TextPattern =
  | { readonly kind: 'exact'; readonly source: string; readonly text: string }
  | { readonly kind: 'glob'; readonly source: string; readonly regex: RegExp }
  | { readonly kind: 'regex'; readonly source: string; readonly regex: RegExp };

/** One alternative of `label=`: the key must exist and, when given, its value must match. */
export interface LabelPattern {
  readonly key: string;
  readonly value?: TextPattern;
}

/**
 * One alternative of `image=`. `scope` says what the pattern is compared with: the bare
 * repository, `repository:tag` (a missing tag counts as `latest`) or the whole reference.
 */
export interface ImagePattern {
  readonly pattern: TextPattern;
  readonly scope: 'repository' | 'tagged' | 'reference';
}

/** A comparison of `age` or `created`; `>` and `<` are strict. */
export type ComparisonOperator = '>' | '<';

/** One term of a selector; alternatives inside a term combine with OR. */
export type SelectorTerm =
  | { readonly type: 'status'; readonly states: readonly ContainerState[] }
  | { readonly type: 'label'; readonly labels: readonly LabelPattern[] }
  | { readonly type: 'project'; readonly patterns: readonly TextPattern[] }
  | { readonly type: 'service'; readonly patterns: readonly TextPattern[] }
  | { readonly type: 'image'; readonly patterns: readonly ImagePattern[] }
  | { readonly type: 'name'; readonly patterns: readonly TextPattern[] }
  | { readonly type: 'host'; readonly patterns: readonly TextPattern[] }
  | { readonly type: 'id'; readonly prefixes: readonly string[] }
  | { readonly type: 'age'; readonly operator: ComparisonOperator; readonly ms: number }
  | { readonly type: 'created'; readonly operator: ComparisonOperator; readonly ms: number };

/** A term as written: possibly negated, with its 1-based column for messages. */
export interface SelectorClause {
  readonly negated: boolean;
  readonly term: SelectorTerm;
  readonly column: number;
}

/** A parsed selector: every clause must hold (AND). Never empty, so it never means "all". */
export interface Selector {
  readonly type: 'selector';
  readonly clauses: readonly SelectorClause[];
}
