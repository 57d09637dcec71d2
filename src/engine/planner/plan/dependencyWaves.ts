import {
  COMPOSE_DEPENDS_ON_LABEL,
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
  type ContainerSummary,
} from '../../model/container';
import type { OperationKind } from '../../model/operation';
import { parseDependsOn } from './parseDependsOn';

/**
 * The wave and chain of each target, aligned with the targets given, and any cycle warnings.
 * A chain is one compose project on one host (numbered from 1; 0 holds every container
 * outside compose): waves order the targets of one chain, never those of two.
 */
export interface DependencyWaves {
  readonly waves: Int32Array;
  readonly chains: Int32Array;
  readonly warnings: string[];
}

/** Kinds that bring containers up, so a dependency has to go before what needs it. */
const DEPENDENCIES_FIRST: ReadonlySet<OperationKind> = new Set(['start', 'restart', 'unpause']);

/** Compose services on one host, numbered; a service's replicas share one node. */
interface ServiceGraph {
  readonly hosts: string[];
  readonly projects: string[];
  readonly services: string[];
  /** `depends_on` per node; replicas normally agree, and differing texts are joined by ",". */
  readonly dependsOn: (string | undefined)[];
  /** The node of each target position, or -1 for a container outside compose. */
  readonly nodeOf: Int32Array;
  /** The project group of each node; groups hold the nodes of one project on one host. */
  readonly groupOf: number[];
  readonly groups: ProjectGroup[];
}

/** The services of one project on one host. */
interface ProjectGroup {
  readonly nodes: number[];
  /** Built once a project has many services; small ones are searched in place. */
  byService?: Map<string, number>;
}

// Past this many services a project gets a Map; below it a scan is cheaper than hashing.
const SCAN_LIMIT = 16;

/**
 * Layers targets into waves by compose `depends_on`: dependencies first for start, restart
 * and unpause, dependents first for the rest. A cycle goes into one last wave, with a warning.
 */
export function dependencyWaves(
  containers: readonly ContainerSummary[],
  targets: ArrayLike<number>,
  kind: OperationKind,
): DependencyWaves {
  // Services resolve within one project on one host, and only among the targets: there is
  // nothing to wait for in a dependency the operation skips. A known gap: a dependency
  // reached only through a skipped one (web -> api -> db, api already up) is not ordered
  // either; that skipped link is usually in the wanted state already. The graph has one
  // node per service, not per replica, in flat arrays, so it stays linear.
  const waves = new Int32Array(targets.length);
  const chains = new Int32Array(targets.length);
  if (!anyDependsOn(containers, targets)) {
    return { waves, chains, warnings: [] };
  }

  const graph = serviceGraph(containers, targets);
  const edges = linkNodes(graph, DEPENDENCIES_FIRST.has(kind));
  const { nodeWaves, stuck } = layer(graph.services.length, edges);
  const warnings = stuck.length > 0 ? cycleWarnings(graph, edges, stuck) : [];

  for (let position = 0; position < targets.length; position++) {
    const node = graph.nodeOf[position]!;
    waves[position] = node < 0 ? 0 : nodeWaves[node]!;
    chains[position] = node < 0 ? 0 : graph.groupOf[node]! + 1;
  }
  return { waves, chains, warnings };
}

// Most operations touch no compose dependency at all; they skip building the graph.
function anyDependsOn(
  containers: readonly ContainerSummary[],
  targets: ArrayLike<number>,
): boolean {
  for (let position = 0; position < targets.length; position++) {
    if (containers[targets[position]!]!.labels[COMPOSE_DEPENDS_ON_LABEL] !== undefined) {
      return true;
    }
  }
  return false;
}

// Groups are found through host then project maps, so no key string is built per target.
function serviceGraph(
  containers: readonly ContainerSummary[],
  targets: ArrayLike<number>,
): ServiceGraph {
  const graph: ServiceGraph = {
    hosts: [],
    projects: [],
    services: [],
    dependsOn: [],
    nodeOf: new Int32Array(targets.length).fill(-1),
    groupOf: [],
    groups: [],
  };
  const groupsByHost = new Map<string, Map<string, number>>();

  for (let position = 0; position < targets.length; position++) {
    // Compose's label keys are not Object.prototype members, so plain reads are safe.
    const { host, labels } = containers[targets[position]!]!;
    const project = labels[COMPOSE_PROJECT_LABEL];
    const service = labels[COMPOSE_SERVICE_LABEL];
    if (project === undefined || service === undefined) {
      continue;
    }

    let projects = groupsByHost.get(host);
    if (projects === undefined) {
      projects = new Map();
      groupsByHost.set(host, projects);
    }
    let group = projects.get(project);
    if (group === undefined) {
      group = graph.groups.push({ nodes: [] }) - 1;
      projects.set(project, group);
    }

    let node = findService(graph, group, service);
    if (node < 0) {
      node = graph.services.push(service) - 1;
      graph.hosts.push(host);
      graph.projects.push(project);
      graph.dependsOn.push(undefined);
      graph.groupOf.push(group);
      addService(graph, group, node);
    }
    graph.nodeOf[position] = node;

    const dependsOn = labels[COMPOSE_DEPENDS_ON_LABEL];
    const known = graph.dependsOn[node];
    if (dependsOn !== undefined && dependsOn !== '' && known !== dependsOn) {
      graph.dependsOn[node] = known === undefined ? dependsOn : `${known},${dependsOn}`;
    }
  }
  return graph;
}

function findService(graph: ServiceGraph, group: number, service: string): number {
  const { nodes, byService } = graph.groups[group]!;
  if (byService !== undefined) {
    return byService.get(service) ?? -1;
  }
  for (const node of nodes) {
    if (graph.services[node] === service) {
      return node;
    }
  }
  return -1;
}

function addService(graph: ServiceGraph, group: number, node: number): void {
  const entry = graph.groups[group]!;
  entry.nodes.push(node);
  if (entry.byService !== undefined) {
    entry.byService.set(graph.services[node]!, node);
  } else if (entry.nodes.length > SCAN_LIMIT) {
    entry.byService = new Map(entry.nodes.map((n) => [graph.services[n]!, n]));
  }
}

/** Adjacency in compressed rows: the successors of node n are `to[start[n]..start[n+1])`. */
interface Edges {
  readonly start: Int32Array;
  readonly to: Int32Array;
}

// An edge `a -> b` means a's wave comes before b's.
function linkNodes(graph: ServiceGraph, dependenciesFirst: boolean): Edges {
  const from: number[] = [];
  const to: number[] = [];

  // parseDependsOn drops repeated names, so each edge is added once. Replicas and sibling
  // projects repeat the same label text, so each distinct text is parsed once.
  const parsed = new Map<string, string[]>();
  graph.dependsOn.forEach((text, node) => {
    if (text === undefined) {
      return;
    }
    let services = parsed.get(text);
    if (services === undefined) {
      services = parseDependsOn(text);
      parsed.set(text, services);
    }
    for (const service of services) {
      const other = findService(graph, graph.groupOf[node]!, service);
      if (other < 0 || other === node) {
        continue;
      }
      from.push(dependenciesFirst ? other : node);
      to.push(dependenciesFirst ? node : other);
    }
  });

  const count = graph.services.length;
  const start = new Int32Array(count + 1);
  for (const f of from) {
    start[f + 1]!++;
  }
  for (let n = 1; n <= count; n++) {
    start[n]! += start[n - 1]!;
  }
  const fill = start.slice(0, count);
  const adjacency = new Int32Array(from.length);
  from.forEach((f, e) => {
    adjacency[fill[f]!++] = to[e]!;
  });
  return { start, to: adjacency };
}

// Kahn's algorithm one level at a time, so a node's wave is its longest path from a root.
// Nodes it cannot place lie on or behind a cycle; they share the wave after the last.
function layer(count: number, edges: Edges): { nodeWaves: Int32Array; stuck: number[] } {
  const indegree = new Int32Array(count);
  for (const t of edges.to) {
    indegree[t]!++;
  }

  const nodeWaves = new Int32Array(count);
  let level: number[] = [];
  for (let n = 0; n < count; n++) {
    if (indegree[n] === 0) {
      level.push(n);
    }
  }

  let wave = 0;
  while (level.length > 0) {
    const next: number[] = [];
    for (const node of level) {
      nodeWaves[node] = wave;
      for (let e = edges.start[node]!; e < edges.start[node + 1]!; e++) {
        const t = edges.to[e]!;
        if (--indegree[t]! === 0) {
          next.push(t);
        }
      }
    }
    level = next;
    wave++;
  }

  const stuck: number[] = [];
  for (let n = 0; n < count; n++) {
    if (indegree[n]! > 0) {
      nodeWaves[n] = wave;
      stuck.push(n);
    }
  }
  return { nodeWaves, stuck };
}

// The stuck nodes include services that merely wait behind a cycle; peeling those whose
// successors are all peeled leaves the services on cycles, which are the ones worth naming.
function cycleWarnings(graph: ServiceGraph, edges: Edges, stuck: readonly number[]): string[] {
  const inStuck = new Set(stuck);
  const outdegree = new Map<number, number>();
  const incoming = new Map<number, number[]>();
  for (const node of stuck) {
    let out = 0;
    for (let e = edges.start[node]!; e < edges.start[node + 1]!; e++) {
      const t = edges.to[e]!;
      if (inStuck.has(t)) {
        out++;
        const list = incoming.get(t);
        if (list === undefined) {
          incoming.set(t, [node]);
        } else {
          list.push(node);
        }
      }
    }
    outdegree.set(node, out);
  }

  const queue = stuck.filter((n) => outdegree.get(n) === 0);
  const peeled = new Set(queue);
  while (queue.length > 0) {
    for (const from of incoming.get(queue.pop()!) ?? []) {
      const left = outdegree.get(from)! - 1;
      outdegree.set(from, left);
      if (left === 0 && !peeled.has(from)) {
        peeled.add(from);
        queue.push(from);
      }
    }
  }

  const byProject = new Map<number, number[]>();
  for (const node of stuck) {
    if (!peeled.has(node)) {
      const group = graph.groupOf[node]!;
      const nodes = byProject.get(group);
      if (nodes === undefined) {
        byProject.set(group, [node]);
      } else {
        nodes.push(node);
      }
    }
  }
  return [...byProject.values()].map((nodes) => {
    const services = nodes.map((n) => graph.services[n]!).sort();
    return (
      `Dependency cycle among services ${services.join(', ')} of project ` +
      `"${graph.projects[nodes[0]!]}" on host "${graph.hosts[nodes[0]!]}": they run ` +
      'together in the last wave, in no particular order'
    );
  });
}
