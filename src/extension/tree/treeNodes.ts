import type { ContainerSummary } from '../../engine/model/container';

/**
 * A group in the Containers view: one compose project, state, image or host. The same
 * object lives across refreshes while its key does, because VS Code finds the element to
 * refresh by identity and keeps its expansion by `id`.
 */
export interface GroupNode {
  readonly kind: 'group';
  readonly id: string;
  readonly key: string;
  readonly label: string;
  children: ContainerNode[];
  running: number;
  /** The engine's node above it, when the view shows several engines. */
  parent?: HostNode;
}

/**
 * One engine, at the top of the view when several are active: its groups below it, its
 * counts, and whether it answered its last list. Lives across refreshes like a group.
 */
export interface HostNode {
  readonly kind: 'host';
  readonly id: string;
  /** The engine's name, as containers carry it in `host`. */
  readonly host: string;
  label: string;
  children: GroupNode[];
  total: number;
  running: number;
  /** Undefined until its first list answers or fails. */
  answering: boolean | undefined;
  /** Why it does not answer, in words for the user. */
  problem: string | undefined;
}

/**
 * One container. Its `id` is host + container id, never the state, so a selection and a
 * focus survive the container starting or stopping; `container` is replaced in place.
 */
export interface ContainerNode {
  readonly kind: 'container';
  readonly id: string;
  container: ContainerSummary;
  parent: GroupNode;
}

/** Any element of the Containers view. */
export type TreeNode = HostNode | GroupNode | ContainerNode;

/** The tree id of a container: unique over every engine the view shows. */
export function containerNodeId(container: Pick<ContainerSummary, 'host' | 'id'>): string {
  return `${container.host}/${container.id}`;
}

/** True for an element of the Containers view, as a command argument may or may not be. */
export function isTreeNode(value: unknown): value is TreeNode {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'host' || kind === 'group' || kind === 'container';
}
