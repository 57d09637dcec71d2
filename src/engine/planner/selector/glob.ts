import type { TextPattern } from './selectorTypes';

/**
 * Compiles a glob (`*` any run, `?` one character, `\` escapes) matched whole-string and
 * case-sensitively, like Docker names, once, so matching 100,000 names costs one test each.
 */
export function compileGlob(source: string): TextPattern {
  // A glob without wildcards becomes a plain string comparison, cheaper than any regex.
  let regex = '';
  let literal = '';
  let wild = false;
  let lastWasStar = false;

  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    const star = char === '*';
    if (char === '\\' && i + 1 < source.length) {
      i++;
      literal += source[i]!;
      regex += escapeRegExp(source[i]!);
    } else if (char === '*') {
      wild = true;
      // Consecutive stars mean the same as one; collapsing them avoids needless backtracking.
      if (!lastWasStar) {
        regex += '.*';
      }
    } else if (char === '?') {
      wild = true;
      regex += '.';
    } else {
      literal += char;
      regex += escapeRegExp(char);
    }
    lastWasStar = star;
  }

  if (!wild) {
    return { kind: 'exact', source, text: literal };
  }
  // `s` lets `*` cross newlines, which label values may hold.
  return { kind: 'glob', source, regex: new RegExp(`^${regex}$`, 's') };
}

/** True when `text` matches a compiled pattern (a regex pattern matches anywhere in it). */
export function matchesText(pattern: TextPattern, text: string): boolean {
  return pattern.kind === 'exact' ? pattern.text === text : pattern.regex.test(text);
}

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}
