import type { ThroughputPoint } from '../../../src/extension/panel/panelProtocol';
import { el, setAttr, setText } from './dom';
import { formatDuration, formatRate } from './format';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 120;

/**
 * Throughput over time as one SVG polyline. The drawing stretches to the panel's width;
 * its labels are HTML around it so text never stretches with it.
 */
export class LineChart {
  readonly element: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly line: SVGPolylineElement;
  private readonly area: SVGPolygonElement;
  private readonly top: HTMLElement;
  private readonly span: HTMLElement;

  constructor(title: string) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    this.svg.setAttribute('preserveAspectRatio', 'none');
    this.svg.setAttribute('role', 'img');
    this.area = document.createElementNS(SVG, 'polygon');
    this.area.setAttribute('class', 'chart-area');
    this.line = document.createElementNS(SVG, 'polyline');
    this.line.setAttribute('class', 'chart-line');
    this.line.setAttribute('vector-effect', 'non-scaling-stroke');
    for (const y of [0.25, 0.5, 0.75]) {
      const grid = document.createElementNS(SVG, 'line');
      grid.setAttribute('class', 'chart-grid');
      grid.setAttribute('x1', '0');
      grid.setAttribute('x2', String(WIDTH));
      grid.setAttribute('y1', String(HEIGHT * y));
      grid.setAttribute('y2', String(HEIGHT * y));
      grid.setAttribute('vector-effect', 'non-scaling-stroke');
      this.svg.append(grid);
    }
    this.svg.append(this.area, this.line);

    this.top = el('span', { className: 'chart-top' });
    this.span = el('span', { className: 'chart-span' });
    this.element = el(
      'figure',
      { className: 'chart' },
      el('figcaption', { text: title }),
      el('div', { className: 'chart-frame' }, this.top, this.svg),
      this.span,
    );
  }

  update(points: readonly ThroughputPoint[]): void {
    const peak = points.reduce((max, p) => Math.max(max, p.itemsPerSecond), 0);
    const scale = peak > 0 ? niceCeiling(peak) : 1;
    const first = points[0]?.atMs ?? 0;
    const last = points[points.length - 1]?.atMs ?? first;
    const spanMs = Math.max(1, last - first);

    const coords = points.map((p) => {
      const x = ((p.atMs - first) / spanMs) * WIDTH;
      const y = HEIGHT - (p.itemsPerSecond / scale) * HEIGHT;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    this.line.setAttribute('points', coords.join(' '));
    this.area.setAttribute(
      'points',
      coords.length > 1 ? `0,${HEIGHT} ${coords.join(' ')} ${WIDTH},${HEIGHT}` : '',
    );

    const latest = points[points.length - 1]?.itemsPerSecond ?? 0;
    setText(this.top, formatRate(scale));
    setText(this.span, points.length > 1 ? `Last ${formatDuration(spanMs)}` : 'No data yet');
    setAttr(
      this.svg,
      'aria-label',
      `Throughput: now ${formatRate(latest)}, peak ${formatRate(peak)}`,
    );
  }
}

// Rounds a peak up to 1, 2 or 5 times a power of ten, so the scale reads cleanly.
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((s) => s * power >= value) ?? 10;
  return step * power;
}
