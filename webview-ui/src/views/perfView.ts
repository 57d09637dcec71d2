import type { PerfSample } from '../../../src/extension/panel/panelProtocol';
import { el, setShown, setText } from './dom';
import { formatBytes, formatCount, formatDuration } from './format';
import { LineChart } from './lineChart';

const FIGURES = [
  ['latency-p50', 'Request latency p50'],
  ['latency-p95', 'Request latency p95'],
  ['latency-p99', 'Request latency p99'],
  ['loop-p50', 'Extension host loop delay p50'],
  ['loop-p99', 'Extension host loop delay p99'],
  ['heap', 'Heap used'],
  ['rss', 'Resident memory'],
  ['limit', 'Concurrency limit'],
] as const;

/** The performance monitor: throughput chart, latency, loop delay, memory and limit. */
export class PerfView {
  readonly element: HTMLElement;
  private readonly chart = new LineChart('Throughput (items per second)');
  private readonly values = new Map<string, HTMLElement>();
  private readonly empty: HTMLElement;
  private readonly body: HTMLElement;

  constructor() {
    const list = el('dl', { className: 'perf-figures' });
    for (const [key, label] of FIGURES) {
      const value = el('dd', { attrs: { 'data-figure': key } });
      this.values.set(key, value);
      list.append(el('div', {}, el('dt', { text: label }), value));
    }
    this.empty = el('p', { className: 'empty', text: 'No performance sample yet.' });
    this.body = el('div', {}, this.chart.element, list);
    this.element = el(
      'section',
      { className: 'perf', attrs: { 'aria-label': 'Performance' } },
      this.empty,
      this.body,
    );
  }

  update(perf: PerfSample | undefined): void {
    setShown(this.empty, perf === undefined);
    setShown(this.body, perf !== undefined);
    if (perf === undefined) {
      return;
    }
    this.chart.update(perf.throughput);
    this.set('latency-p50', formatDuration(perf.latencyMs.p50));
    this.set('latency-p95', formatDuration(perf.latencyMs.p95));
    this.set('latency-p99', formatDuration(perf.latencyMs.p99));
    this.set('loop-p50', formatDuration(perf.loopDelayMs.p50));
    this.set('loop-p99', formatDuration(perf.loopDelayMs.p99));
    this.set('heap', formatBytes(perf.memory.heapUsedBytes));
    this.set('rss', formatBytes(perf.memory.rssBytes));
    this.set('limit', formatCount(perf.concurrencyLimit));
  }

  private set(key: string, text: string): void {
    setText(this.values.get(key)!, text);
  }
}
