const UNIT_MS: Readonly<Record<string, number>> = {
  w: 7 * 24 * 3_600_000,
  d: 24 * 3_600_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
};

/**
 * Reads a duration such as `30m`, `2h` or `1d12h` (units s, m, h, d, w; whole numbers so
 * that the canonical form can always write it back exactly). Undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  if (!/^(?:\d+[smhdw])+$/.test(text)) {
    return undefined;
  }

  let total = 0;
  for (const part of text.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Writes milliseconds back as the shortest duration, such as `1h30m`; the inverse above. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000) * 1000;
  let out = '';

  for (const [unit, size] of Object.entries(UNIT_MS)) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out === '' ? '0s' : out;
}
