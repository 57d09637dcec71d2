import {
  PRIORITY_LIMIT,
  type ActiveOperationView,
  type GuardDecision,
  type ProgressSnapshot,
} from '../../../src/extension/panel/panelProtocol';
import { createButton, createTextField, type ButtonElement } from '../toolkit/elements';
import { el, setAttr, setShown, setText } from './dom';
import {
  formatCount,
  formatDuration,
  formatRate,
  kindLabel,
  statusLabel,
} from './format';
import { HostLines } from './hostLines';
import { doneCount, ProgressBar } from './progressBar';
import type { RequestRunner } from './requestRunner';

let nextCardId = 0;

/** The title of an operation: its kind, and its label when it has one. */
export function operationTitle(kind: ProgressSnapshot['kind'], label: string | undefined): string {
  return label ? `${kindLabel(kind)} · ${label}` : kindLabel(kind);
}

/**
 * One running or queued operation: progress, counts, rate, timing, a line per engine when
 * it spans several, the failure-guard and engine banners, and its actions. Built once, then
 * updated in place as progress arrives.
 */
export class OperationCard {
  readonly element: HTMLElement;
  private view: ActiveOperationView;
  private readonly title: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly bar: ProgressBar;
  private readonly numbers: Record<string, HTMLElement> = {};
  private readonly guard: HTMLElement;
  private readonly guardText: HTMLElement;
  private readonly engine: HTMLElement;
  private readonly hostLines = new HostLines();
  private readonly priority: HTMLElement;
  private readonly priorityField: HTMLElement & { value: string };
  private readonly retryFailed: ButtonElement;
  private readonly rollback: ButtonElement;
  private readonly cancel: ButtonElement;

  constructor(
    view: ActiveOperationView,
    private readonly run: RequestRunner,
    onSelect: (operationId: string) => void,
  ) {
    this.view = view;
    const id = view.snapshot.operationId;
    const titleId = `operation-title-${nextCardId++}`;
    this.title = el('button', { className: 'card-title', attrs: { id: titleId, type: 'button' } });
    this.status = el('span', { className: 'card-status' });
    this.bar = new ProgressBar('Progress');
    setAttr(this.bar.element, 'aria-labelledby', titleId);

    const lower = createButton('▼', { appearance: 'icon', action: 'priority-down' });
    const raise = createButton('▲', { appearance: 'icon', action: 'priority-up' });
    this.priorityField = createTextField({ ariaLabel: 'Priority', maxLength: 6 });
    this.priorityField.classList.add('priority-field');
    this.priorityField.dataset.action = 'priority';
    lower.setAttribute('aria-label', 'Lower priority');
    raise.setAttribute('aria-label', 'Raise priority');
    lower.addEventListener('click', () => this.changePriority(-1, lower));
    raise.addEventListener('click', () => this.changePriority(1, raise));
    this.priorityField.addEventListener('change', () => this.typedPriority());
    this.priority = el(
      'div',
      { className: 'priority', attrs: { role: 'group', 'aria-label': 'Priority' } },
      el('span', { className: 'label', text: 'Priority' }),
      lower,
      this.priorityField,
      raise,
    );

    this.guardText = el('span', { className: 'banner-text' });
    this.guard = el(
      'div',
      { className: 'banner banner-guard', attrs: { role: 'alert' } },
      this.guardText,
      this.decisionButton('Continue', 'continue', 'primary'),
      this.decisionButton('Cancel', 'cancel', 'secondary'),
      this.decisionButton('Roll back', 'rollback', 'secondary'),
    );
    this.engine = el('div', { className: 'banner banner-engine', attrs: { role: 'alert' } });

    this.retryFailed = createButton('Retry all failed', { action: 'retry-failed' });
    this.rollback = createButton('Roll back', { action: 'rollback' });
    this.cancel = createButton('Cancel', { action: 'cancel' });
    this.retryFailed.addEventListener('click', () =>
      this.act('Retry', { type: 'retry', operationId: this.id }, this.retryFailed));
    this.rollback.addEventListener('click', () =>
      this.act('Roll back', { type: 'rollback', operationId: this.id }, this.rollback));
    this.cancel.addEventListener('click', () =>
      this.act('Cancel', { type: 'cancel', operationId: this.id }, this.cancel));

    this.element = el(
      'article',
      { className: 'card', attrs: { 'aria-labelledby': titleId, 'data-operation-id': id } },
      el('header', { className: 'card-header' }, this.title, this.status, this.priority),
      this.bar.element,
      el('div', { className: 'figures' }, ...this.figures()),
      this.hostLines.element,
      this.guard,
      this.engine,
      el('div', { className: 'actions' }, this.retryFailed, this.rollback, this.cancel),
    );

    // The whole card selects, except its controls, so a click on a button does only its job.
    this.title.addEventListener('click', () => onSelect(this.id));
    this.element.addEventListener('click', (event) => {
      const target = event.target as Element;
      if (target.closest('vscode-button, vscode-text-field, button') === null) {
        onSelect(this.id);
      }
    });
    this.update(view, false);
  }

  get id(): string {
    return this.view.snapshot.operationId;
  }

  /** Shows the latest progress; `selected` marks the card whose items are listed. */
  update(view: ActiveOperationView, selected: boolean): void {
    this.view = view;
    const s = view.snapshot;
    const c = s.counts;
    setText(this.title, operationTitle(s.kind, view.label));
    setAttr(this.title, 'aria-pressed', String(selected));
    this.element.classList.toggle('selected', selected);
    setText(this.status, statusLabel(s.status));
    setAttr(this.status, 'data-status', s.status);
    this.bar.update(s.total, c);

    this.figure('targets', formatCount(s.total));
    this.figure('succeeded', formatCount(c.succeeded));
    this.figure('skipped', formatCount(c.skipped));
    this.figure('failed', formatCount(c.failed));
    setAttr(this.numbers.failed!.parentElement!, 'data-nonzero', c.failed > 0 ? '' : undefined);
    this.figure('cancelled', formatCount(c.cancelled));
    this.figure('remaining', formatCount(Math.max(0, s.total - doneCount(c))));
    this.figure('rate', formatRate(s.ratePerSecond));
    this.figure('elapsed', formatDuration(s.elapsedMs));
    this.figure('eta', s.etaMs === undefined ? '—' : formatDuration(s.etaMs));
    this.figure('concurrency', formatCount(s.concurrency));
    this.hostLines.update(s.hosts);

    const movable = s.status === 'queued' || s.status === 'running' || s.status === 'guarded';
    setShown(this.priority, movable);
    // Never overwrite what the user is typing.
    if (document.activeElement !== this.priorityField) {
      const text = String(s.priority);
      if (this.priorityField.value !== text) {
        this.priorityField.value = text;
      }
    }

    setShown(this.guard, s.status === 'guarded');
    setText(this.guardText, `Paused by the failure guard: ${s.guardReason ?? 'too many failures'}`);
    setShown(this.engine, s.engineProblem !== undefined);
    setText(this.engine, `The Docker engine is not answering: ${s.engineProblem ?? ''}`);

    // A removed container cannot be put back, so remove offers no roll back.
    const cancellable = s.status === 'queued' || s.status === 'running' || s.status === 'guarded';
    setShown(this.retryFailed, c.failed > 0 && s.status !== 'rollingBack');
    setShown(this.rollback, s.kind !== 'remove' && s.status === 'running' && c.succeeded > 0);
    setShown(this.cancel, cancellable);
  }

  private figures(): HTMLElement[] {
    const names: [string, string][] = [
      ['targets', 'Targets'], ['succeeded', 'Succeeded'], ['skipped', 'Skipped'],
      ['failed', 'Failed'],
      ['cancelled', 'Cancelled'], ['remaining', 'Remaining'], ['rate', 'Rate'],
      ['elapsed', 'Elapsed'], ['eta', 'ETA'], ['concurrency', 'Concurrency'],
    ];
    return names.map(([key, label]) => {
      const value = el('span', { className: 'figure-value' });
      this.numbers[key] = value;
      return el(
        'span',
        { className: `figure figure-${key}`, attrs: { 'data-figure': key } },
        el('span', { className: 'figure-label', text: label }),
        value,
      );
    });
  }

  private figure(key: string, text: string): void {
    setText(this.numbers[key]!, text);
  }

  private decisionButton(
    label: string,
    decision: GuardDecision,
    appearance: 'primary' | 'secondary',
  ): ButtonElement {
    const button = createButton(label, { appearance, action: `decide-${decision}` });
    button.addEventListener('click', () =>
      this.act(label, { type: 'decide', operationId: this.id, decision }, button));
    return button;
  }

  private act(title: string, body: Parameters<RequestRunner>[1], button: ButtonElement): void {
    if (!button.disabled) {
      this.run(title, body, button);
    }
  }

  private changePriority(step: number, button: ButtonElement): void {
    const priority = clampPriority(this.view.snapshot.priority + step);
    this.act('Change priority', { type: 'setPriority', operationId: this.id, priority }, button);
  }

  private typedPriority(): void {
    const text = this.priorityField.value.trim();
    const priority = /^[+-]?\d{1,6}$/.test(text) ? clampPriority(Number(text)) : undefined;
    if (priority === undefined) {
      this.priorityField.value = String(this.view.snapshot.priority);
      return;
    }
    this.run('Change priority', { type: 'setPriority', operationId: this.id, priority });
  }
}

function clampPriority(priority: number): number {
  return Math.max(-PRIORITY_LIMIT, Math.min(PRIORITY_LIMIT, Math.round(priority)));
}
