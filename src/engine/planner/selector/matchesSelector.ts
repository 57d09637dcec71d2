import {
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
  type ContainerSummary,
} from '../../model/container';
import { matchesText } from './glob';
import { imageTextFor } from './imageReference';
import type {
  ImagePattern,
  LabelPattern,
  Selector,
  SelectorTerm,
  TextPattern,
} from './selectorTypes';

/**
 * True when `container` satisfies every clause of `selector`. `nowMs` is passed in rather
 * than read, so `age` terms judge a whole snapshot against one instant and tests are exact.
 */
export function matchesSelector(
  selector: Selector,
  container: ContainerSummary,
  nowMs: number,
): boolean {
  for (const clause of selector.clauses) {
    if (matchesTerm(clause.term, container, nowMs) === clause.negated) {
      return false;
    }
  }
  return true;
}

function matchesTerm(term: SelectorTerm, container: ContainerSummary, nowMs: number): boolean {
  switch (term.type) {
    case 'status':
      return term.states.includes(container.state);
    case 'label':
      return term.labels.some((l) => matchesLabel(l, container.labels));
    case 'project':
      return matchesAny(term.patterns, label(container.labels, COMPOSE_PROJECT_LABEL));
    case 'service':
      return matchesAny(term.patterns, label(container.labels, COMPOSE_SERVICE_LABEL));
    case 'image':
      return term.patterns.some((p) => matchesImage(p, container.image));
    case 'name':
      return matchesAny(term.patterns, container.name);
    case 'host':
      return matchesAny(term.patterns, container.host);
    case 'id':
      return term.prefixes.some((p) => container.id.startsWith(p));
    case 'age': {
      const age = nowMs - container.createdMs;
      return term.operator === '>' ? age > term.ms : age < term.ms;
    }
    case 'created':
      return term.operator === '>'
        ? container.createdMs > term.ms
        : container.createdMs < term.ms;
  }
}

function matchesLabel(pattern: LabelPattern, labels: ContainerSummary['labels']): boolean {
  const value = label(labels, pattern.key);
  if (value === undefined) {
    return false;
  }
  return pattern.value === undefined || matchesText(pattern.value, value);
}

function matchesImage(pattern: ImagePattern, image: string): boolean {
  const text = imageTextFor(pattern.scope, image);
  return text !== undefined && matchesText(pattern.pattern, text);
}

function matchesAny(patterns: readonly TextPattern[], text: string | undefined): boolean {
  return text !== undefined && patterns.some((p) => matchesText(p, text));
}

// Labels come from the engine as a plain object: only own keys count, so a label query
// for `constructor` or `__proto__` does not find Object.prototype's members.
function label(labels: ContainerSummary['labels'], key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}
