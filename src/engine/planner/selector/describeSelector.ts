import { formatDuration } from './parseDuration';
import { formatIsoTime } from './parseIsoTime';
import type { LabelPattern, Selector, SelectorTerm, TextPattern } from './selectorTypes';

/**
 * Writes a selector as canonical text (aliases and bare words spelled out, UTC dates, quotes
 * only where needed) that parses back to an equivalent selector, for history and labels.
 */
export function describeSelector(selector: Selector): string {
  return selector.clauses
    .map((c) => `${c.negated ? '!' : ''}${describeTerm(c.term)}`)
    .join(' ');
}

function describeTerm(term: SelectorTerm): string {
  switch (term.type) {
    case 'status':
      return `status=${term.states.join(',')}`;
    case 'label':
      return `label=${term.labels.map(describeLabel).join(',')}`;
    case 'project':
    case 'service':
    case 'host':
      return `${term.type}=${term.patterns.map((p) => quote(p.source)).join(',')}`;
    case 'image':
      return `image=${term.patterns.map((p) => quote(p.pattern.source)).join(',')}`;
    case 'name':
      return `name=${term.patterns.map(describeName).join(',')}`;
    case 'id':
      return `id=${term.prefixes.map((p) => quote(p)).join(',')}`;
    case 'age':
      return `age${term.operator}${formatDuration(term.ms)}`;
    case 'created':
      return `created${term.operator}${formatIsoTime(term.ms)}`;
  }
}

function describeLabel(label: LabelPattern): string {
  const key = quote(label.key, label.key.includes('='));
  return label.value === undefined ? key : `${key}=${quote(label.value.source)}`;
}

// An unquoted leading slash would read back as a regex, so a glob starting with one is quoted.
function describeName(pattern: TextPattern): string {
  return pattern.kind === 'regex'
    ? pattern.source
    : quote(pattern.source, pattern.source.startsWith('/'));
}

function quote(text: string, force = false): string {
  if (!force && text !== '' && !/[\s,"]/.test(text)) {
    return text;
  }
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
