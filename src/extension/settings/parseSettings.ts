import { OPERATION_KINDS, type OperationKind } from '../../engine/model/operation';
import { MAX_CONCURRENCY, MIN_CONCURRENCY } from '../../engine/queue/concurrencyDefaults';
import {
  DEFAULT_SETTINGS,
  GROUP_BY_VALUES,
  type EngineHostSetting,
  type GroupBy,
  RESTRICTED_SETTINGS,
  type StevedoreSettings,
} from './stevedoreSettings';

/** What `WorkspaceConfiguration.inspect` reports for one key, reduced to what is read. */
export interface InspectedValue {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/** Reads one key of the `stevedore` section, such as `engine.host`. */
export type InspectSetting = (key: string) => InspectedValue | undefined;

/** Validated settings, and one sentence per value that was ignored. */
export interface ParsedSettings {
  readonly settings: StevedoreSettings;
  readonly problems: string[];
}

/**
 * Validates the settings. A value out of range or of the wrong type is replaced by its
 * default and reported. In an untrusted workspace the restricted settings are read from
 * the user's own settings only, whatever the workspace says; the engine address always is.
 */
export function parseSettings(inspect: InspectSetting, trusted: boolean): ParsedSettings {
  const problems: string[] = [];
  const read = (key: string): unknown => {
    const value = inspect(key);
    if (value === undefined) return undefined;
    // A machine setting lives in the user's settings only; VS Code ignores workspace values.
    if (key === 'engine.host' || key === 'engine.hosts') return value.globalValue;
    if (!trusted && RESTRICTED_SETTINGS.includes(key)) return value.globalValue;
    return value.workspaceFolderValue ?? value.workspaceValue ?? value.globalValue;
  };
  const fallBack = <T>(key: string, raw: unknown, expected: string, value: T): T => {
    problems.push(
      `The setting stevedore.${key} is ${JSON.stringify(raw)}; expected ${expected}. ` +
        `Using ${JSON.stringify(value)}.`,
    );
    return value;
  };

  const number = (key: string, min: number, max: number, fallback: number, int: boolean) => {
    const raw = read(key);
    if (raw === undefined) return fallback;
    const ok = typeof raw === 'number' && raw >= min && raw <= max &&
      (!int || Number.isInteger(raw));
    const expected = `${int ? 'a whole number' : 'a number'} from ${min} to ${max}`;
    return ok ? raw : fallBack(key, raw, expected, fallback);
  };
  const boolean = (key: string, fallback: boolean): boolean => {
    const raw = read(key);
    if (raw === undefined) return fallback;
    return typeof raw === 'boolean' ? raw : fallBack(key, raw, 'true or false', fallback);
  };

  const d = DEFAULT_SETTINGS;
  const engineHost = readHost(read('engine.host'), (raw) =>
    fallBack('engine.host', raw, 'an address such as unix:///var/run/docker.sock', ''));
  const settings: StevedoreSettings = {
    ...(engineHost ? { engineHost } : {}),
    engineHosts: readEngineHosts(read('engine.hosts'), problems),
    concurrency: readConcurrency(read('concurrency'), problems),
    stopGraceSeconds: number('stopGraceSeconds', 0, 3600, d.stopGraceSeconds, true),
    failureThreshold: number('failureThreshold', 0, 1, d.failureThreshold, false),
    dependencyOrder: boolean('dependencyOrder', d.dependencyOrder),
    historyMaxBytes: number('historyMaxMegabytes', 1, 1024, d.historyMaxBytes / 2 ** 20, false) *
      2 ** 20,
    groupBy: readGroupBy(read('groupBy'), (raw) =>
      fallBack('groupBy', raw, GROUP_BY_VALUES.join(', '), d.groupBy)),
    confirmDestructive: boolean('confirmDestructive', d.confirmDestructive),
    confirmAbove: number('confirmAbove', 0, 1_000_000, d.confirmAbove, true),
  };
  return { settings, problems };
}

function readHost(raw: unknown, bad: (raw: unknown) => string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') return bad(raw) || undefined;
  return raw.trim() || undefined;
}

const HOSTS_EXAMPLE = '[{ "name": "build", "host": "tcp://build-1:2376", "tlsVerify": true }]';

// Each entry stands alone: a bad one is dropped and named, the good ones are kept.
function readEngineHosts(raw: unknown, problems: string[]): EngineHostSetting[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push(`The setting stevedore.engine.hosts is ${JSON.stringify(raw)}; expected a ` +
      `list such as ${HOSTS_EXAMPLE}. No extra engines are offered.`);
    return [];
  }

  const hosts: EngineHostSetting[] = [];
  for (const [index, entry] of raw.entries()) {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const host = typeof e.host === 'string' ? e.host.trim() : '';
    const wellTyped = (e.name === undefined || typeof e.name === 'string') &&
      (e.tlsVerify === undefined || typeof e.tlsVerify === 'boolean') &&
      (e.certPath === undefined || typeof e.certPath === 'string');
    if (host === '' || !wellTyped) {
      problems.push(`The setting stevedore.engine.hosts[${index}] is ${JSON.stringify(entry)}; ` +
        'expected { "host": address, "name"?: text, "tlsVerify"?: true or false, ' +
        '"certPath"?: folder }. It is left out.');
      continue;
    }
    const name = typeof e.name === 'string' ? e.name.trim() : '';
    hosts.push({
      host,
      ...(name === '' ? {} : { name }),
      ...(typeof e.tlsVerify === 'boolean' ? { tlsVerify: e.tlsVerify } : {}),
      ...(typeof e.certPath === 'string' && e.certPath.trim() !== ''
        ? { certPath: e.certPath.trim() } : {}),
    });
  }
  return hosts;
}

function readGroupBy(raw: unknown, bad: (raw: unknown) => GroupBy): GroupBy {
  if (raw === undefined) return DEFAULT_SETTINGS.groupBy;
  return GROUP_BY_VALUES.includes(raw as GroupBy) ? (raw as GroupBy) : bad(raw);
}

// "auto" overall, or per kind "auto" or a whole number; a bad kind entry is dropped alone.
function readConcurrency(
  raw: unknown,
  problems: string[],
): Partial<Record<OperationKind, number>> {
  if (raw === undefined || raw === null || raw === 'auto') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(
      `The setting stevedore.concurrency is ${JSON.stringify(raw)}; expected "auto" or an ` +
        'object such as { "stop": 64, "start": "auto" }. Using "auto" for every kind.',
    );
    return {};
  }

  const result: Partial<Record<OperationKind, number>> = {};
  for (const [kind, value] of Object.entries(raw)) {
    if (!OPERATION_KINDS.includes(kind as OperationKind)) {
      problems.push(
        `The setting stevedore.concurrency names "${kind}", which is not one of ` +
          `${OPERATION_KINDS.join(', ')}; it is ignored.`,
      );
    } else if (value === 'auto') {
      continue;
    } else if (
      typeof value === 'number' && Number.isInteger(value) &&
      value >= MIN_CONCURRENCY && value <= MAX_CONCURRENCY
    ) {
      result[kind as OperationKind] = value;
    } else {
      problems.push(
        `The setting stevedore.concurrency.${kind} is ${JSON.stringify(value)}; expected "auto" ` +
          `or a whole number from ${MIN_CONCURRENCY} to ${MAX_CONCURRENCY}. Using "auto".`,
      );
    }
  }
  return result;
}
