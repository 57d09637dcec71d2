/**
 * Names the kind of a failed engine call, so a report can say "12 × http 409" instead of
 * listing messages: the HTTP status when the engine answered, else timeout or the socket
 * error code.
 */
export function failureKind(error: unknown): string {
  const e = error as { statusCode?: unknown; code?: unknown; name?: unknown } | null;
  if (typeof e?.statusCode === 'number') return `http ${e.statusCode}`;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  if (typeof e?.code === 'string') return e.code;
  return 'other';
}

/** Adds one to a failure tally. */
export function tally(counts: Record<string, number>, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}
