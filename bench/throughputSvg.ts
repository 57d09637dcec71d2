/** One line of the chart: a contender's completion times in ms from its start. */
export interface ThroughputSeries {
  readonly label: string;
  readonly completionsMs: readonly number[];
  readonly color: string;
}

const WIDTH = 760;
const HEIGHT = 320;
const PAD = { left: 56, right: 16, top: 36, bottom: 44 };
/** Rates are counted over this window, so one slow second does not read as a stall. */
const WINDOW_MS = 5_000;
const STEP_MS = 1_000;

/**
 * Draws containers finished per second over time (a 5 s moving window) as plain SVG, one
 * line per series, so the report needs no charting library.
 */
export function throughputSvg(title: string, series: readonly ThroughputSeries[]): string {
  const lines = series.map((s) => ({ ...s, points: ratePoints(s.completionsMs) }));
  const maxT = Math.max(1, ...lines.flatMap((l) => l.points.map((p) => p.t)));
  const maxR = niceCeil(Math.max(1, ...lines.flatMap((l) => l.points.map((p) => p.rate))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number): number => PAD.left + (t / maxT) * plotW;
  const y = (r: number): number => PAD.top + plotH - (r / maxR) * plotH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PAD.left}" y="20" font-size="13" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const r = (maxR * i) / 4;
    out.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(r)}" y2="${y(r)}" ` +
        'stroke="#ddd"/>',
      `<text x="${PAD.left - 6}" y="${y(r) + 4}" text-anchor="end">${fmt(r)}</text>`,
    );
  }
  for (const t of ticks(maxT)) {
    out.push(`<text x="${x(t)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">` +
      `${Math.round(t)}</text>`);
  }
  out.push(
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">seconds</text>`,
    `<text transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" ` +
      'text-anchor="middle">containers / s (5 s window)</text>',
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" ` +
      'stroke="#333"/>',
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + plotH}" ` +
      `y2="${PAD.top + plotH}" stroke="#333"/>`,
  );
  lines.forEach((l, i) => {
    const pts = l.points.map((p) => `${x(p.t).toFixed(1)},${y(p.rate).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${l.color}" stroke-width="2" points="${pts}"/>`);
    const lx = WIDTH - PAD.right - 220;
    const ly = PAD.top + 12 + i * 16;
    out.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${l.color}" ` +
        'stroke-width="2"/>',
      `<text x="${lx + 24}" y="${ly}">${escape(l.label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function ratePoints(completionsMs: readonly number[]): { t: number; rate: number }[] {
  const sorted = [...completionsMs].sort((a, b) => a - b);
  const end = sorted[sorted.length - 1] ?? 0;
  const points: { t: number; rate: number }[] = [{ t: 0, rate: 0 }];
  let lo = 0;
  let hi = 0;
  for (let t = STEP_MS; t <= end + STEP_MS; t += STEP_MS) {
    while (hi < sorted.length && (sorted[hi] as number) <= t) hi++;
    while (lo < hi && (sorted[lo] as number) <= t - WINDOW_MS) lo++;
    points.push({ t: t / 1000, rate: ((hi - lo) * 1000) / Math.min(WINDOW_MS, t) });
  }
  return points;
}

function ticks(maxT: number): number[] {
  const step = niceCeil(maxT / 8);
  const out: number[] = [];
  for (let t = 0; t <= maxT; t += step) out.push(t);
  return out;
}

function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 5, 10].find((m) => m * p >= x) ?? 10) * p;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
