import type { OperationKind } from '../../engine/model/operation';

/** How the Containers view groups its items. */
export type GroupBy = 'project' | 'state' | 'image' | 'host';

export const GROUP_BY_VALUES: readonly GroupBy[] = ['project', 'state', 'image', 'host'];

/** One engine of `stevedore.engine.hosts`, which the user may turn on beside the default. */
export interface EngineHostSetting {
  /** What the tree and messages call it; the address when left out. */
  readonly name?: string;
  /** An address such as `tcp://build-1:2376` or `unix:///run/other.sock`. */
  readonly host: string;
  /** Verify the engine's certificate with the files in `certPath` (tcp only). */
  readonly tlsVerify?: boolean;
  /** Folder of ca.pem, cert.pem and key.pem for a TLS engine. */
  readonly certPath?: string;
}

/** The extension's settings after validation: every value is usable as it is. */
export interface StevedoreSettings {
  /** An explicit engine address, or undefined to use DOCKER_HOST, the context or the default. */
  readonly engineHost?: string;
  /** More engines the user may choose beside the default one; empty when none are listed. */
  readonly engineHosts: readonly EngineHostSetting[];
  /** Requests in flight per kind; a kind left out lets the engine decide ("auto"). */
  readonly concurrency: Partial<Record<OperationKind, number>>;
  readonly stopGraceSeconds: number;
  readonly failureThreshold: number;
  /** False ignores compose `depends_on` and acts on every container at once. */
  readonly dependencyOrder: boolean;
  readonly historyMaxBytes: number;
  readonly groupBy: GroupBy;
  readonly confirmDestructive: boolean;
  /** Operations on more targets than this show their plan and ask first. */
  readonly confirmAbove: number;
}

/** The settings' section in `contributes.configuration`. */
export const SETTINGS_SECTION = 'stevedore';

/** Defaults, the same as `package.json` declares. */
export const DEFAULT_SETTINGS: StevedoreSettings = {
  engineHosts: [],
  concurrency: {},
  stopGraceSeconds: 10,
  failureThreshold: 0.05,
  dependencyOrder: true,
  historyMaxBytes: 16 * 1024 * 1024,
  groupBy: 'project',
  confirmDestructive: true,
  confirmAbove: 50,
};

/**
 * Settings an untrusted workspace must not set: the engine addresses (they could point the
 * extension at someone else's engine) and the confirmations (it could silence them).
 */
export const RESTRICTED_SETTINGS: readonly string[] = [
  'engine.host',
  'engine.hosts',
  'confirmDestructive',
  'confirmAbove',
];
