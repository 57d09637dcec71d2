import type { ProgressSnapshot } from '../../../src/extension/panel/panelProtocol';
import { el, setAttr, setShown, setText } from './dom';
import { formatCount, formatRate } from './format';
import { doneCount, ProgressBar } from './progressBar';

/** One engine's share of an operation, as the snapshot's `hosts` lists it. */
export type HostShare = NonNullable<ProgressSnapshot['hosts']>[number];

interface Line {
  readonly element: HTMLElement;
  readonly name: HTMLElement;
  readonly bar: ProgressBar;
  readonly counts: HTMLElement;
  readonly rate: HTMLElement;
  readonly concurrency: HTMLElement;
  readonly problem: HTMLElement;
}

/**
 * One line per engine for an operation that spans several: the engine, its bar and counts,
 * its rate and requests in flight, and why it is held (the failure guard) or stuck (the
 * engine not answering). Hidden for an operation on one engine, whose card says it all.
 */
export class HostLines {
  readonly element: HTMLElement;
  private readonly lines = new Map<string, Line>();

  constructor() {
    this.element = el('div', {
      className: 'host-lines',
      attrs: { role: 'list', 'aria-label': 'Progress per engine' },
    });
    setShown(this.element, false);
  }

  update(hosts: readonly HostShare[] | undefined): void {
    const shown = hosts !== undefined && hosts.length > 1;
    setShown(this.element, shown);
    if (!shown) return;

    const seen = new Set<string>();
    for (const [index, host] of hosts.entries()) {
      seen.add(host.host);
      let line = this.lines.get(host.host);
      if (line === undefined) {
        line = createLine(host.host);
        this.lines.set(host.host, line);
      }
      // Appending an element already in place moves it: keep the snapshot's order cheaply.
      if (this.element.children[index] !== line.element) this.element.append(line.element);
      fill(line, host);
    }
    for (const [name, line] of this.lines) {
      if (seen.has(name)) continue;
      line.element.remove();
      this.lines.delete(name);
    }
  }
}

function createLine(host: string): Line {
  const name = el('span', { className: 'host-name', text: host });
  const bar = new ProgressBar(`Progress on ${host}`);
  const counts = el('span', { className: 'host-counts' });
  const rate = el('span', { className: 'host-rate' });
  const concurrency = el('span', { className: 'host-concurrency' });
  const problem = el('span', { className: 'host-problem' });
  const element = el(
    'div',
    { className: 'host-line', attrs: { role: 'listitem', 'data-host': host } },
    name, bar.element, counts, rate, concurrency, problem,
  );
  return { element, name, bar, counts, rate, concurrency, problem };
}

function fill(line: Line, host: HostShare): void {
  const c = host.counts;
  line.bar.update(host.total, c);
  const failed = c.failed > 0 ? ` · ${formatCount(c.failed)} failed` : '';
  setText(line.counts, `${formatCount(doneCount(c))} of ${formatCount(host.total)}${failed}`);
  setAttr(line.counts, 'data-failed', c.failed > 0 ? '' : undefined);
  setText(line.rate, formatRate(host.ratePerSecond));
  setText(line.concurrency, `${formatCount(host.concurrency)} in flight`);

  const problem = host.engineProblem !== undefined
    ? `Not answering: ${host.engineProblem}`
    : host.guardReason !== undefined ? `Held by the failure guard: ${host.guardReason}` : '';
  setText(line.problem, problem);
  setShown(line.problem, problem !== '');
  setAttr(line.element, 'data-problem',
    host.engineProblem !== undefined ? 'engine' : host.guardReason !== undefined ? 'guard'
      : undefined);
}
