const ISO_TIME = new RegExp(
  '^(\\d{4})-(\\d{2})-(\\d{2})' +
    '(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,3}))?)?(Z|z|[+-]\\d{2}:?\\d{2})?)?$',
);

/**
 * Reads an ISO date or date-time (`2026-01-01`, `2026-01-01T12:00`, `...T12:00:30.5+02:00`).
 * Without a zone it is UTC, so a selector means the same on every machine and in history.
 */
export function parseIsoTime(text: string): number | undefined {
  const match = ISO_TIME.exec(text);
  if (!match) {
    return undefined;
  }

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((p) => Number(p ?? 0));
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, millis);

  // Date.UTC rolls 2026-02-30 over to March; a round trip rejects such dates.
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month! - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return undefined;
  }

  return ms - zoneOffsetMs(match[8]);
}

/** Writes a time as the shortest ISO text that reads back the same (UTC, no zone). */
export function formatIsoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 23);

  if (time === '00:00:00.000') {
    return date;
  }
  if (time.endsWith(':00.000')) {
    return `${date}T${time.slice(0, 5)}`;
  }
  if (time.endsWith('.000')) {
    return `${date}T${time.slice(0, 8)}`;
  }
  return `${date}T${time}`;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') {
    return 0;
  }
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return (zone[0] === '-' ? -1 : 1) * minutes * 60_000;
}
