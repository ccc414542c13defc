/**
 * The state machine as a drawable graph: one node per state, one edge per transition (Next, Choice rules
 * and Default, Catch), placed by dagre's layered layout. A Map or Parallel state is drawn as a group: a
 * dagre compound (cluster) holding the state itself and the states it runs (its iterator's, its branches'),
 * with an edge from the state to each inner start. dagre is pure JavaScript (no DOM), so the page's SVG
 * is drawn at report time and needs nothing to view.
 */
import dagre from '@dagrejs/dagre';

export type EdgeKind = 'next' | 'choice' | 'catch' | 'branch';

export interface GraphNode {
  readonly name: string;
  readonly type: string;
  /** Centre and size, in SVG units. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** A Map or Parallel state's box around itself and the states it runs. */
export interface GraphGroup {
  /** The Map or Parallel state. */
  readonly name: string;
  readonly type: string;
  /** Centre and size, in SVG units. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The group it sits in, when nested. */
  readonly parent?: string;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly start?: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly groups: readonly GraphGroup[];
}

/** Where a state's nested machines are: a Map's iterator (Iterator or ItemProcessor), a Parallel's branches. */
function innerMachines(state: Record<string, unknown>): { StartAt?: unknown; States?: Record<string, AslState> }[] {
  const machines: unknown[] = [];
  if (state.Type === 'Map') machines.push(state.ItemProcessor ?? state.Iterator);
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) machines.push(...state.Branches);
  return machines.filter((m): m is { StartAt?: unknown; States?: Record<string, AslState> } => typeof m === 'object' && m !== null);
}

const NODE_HEIGHT = 34;
const CHAR_WIDTH = 7;
const NODE_PADDING = 28;
const MIN_NODE_WIDTH = 90;

interface AslState {
  readonly Type?: unknown;
  readonly Next?: unknown;
  readonly Default?: unknown;
  readonly Choices?: unknown;
  readonly Catch?: unknown;
  readonly [key: string]: unknown;
}

/** The transitions out of one state, each once per kind. */
export function transitionsOf(state: AslState): { to: string; kind: EdgeKind }[] {
  const found: { to: string; kind: EdgeKind }[] = [];
  const add = (to: unknown, kind: EdgeKind) => {
    if (typeof to === 'string' && !found.some((t) => t.to === to && t.kind === kind)) found.push({ to, kind });
  };
  add(state.Next, 'next');
  for (const rule of Array.isArray(state.Choices) ? state.Choices : []) add((rule as { Next?: unknown }).Next, 'choice');
  add(state.Default, 'choice');
  for (const catcher of Array.isArray(state.Catch) ? state.Catch : []) add((catcher as { Next?: unknown }).Next, 'catch');
  return found;
}

const GROUP_PREFIX = 'group:';

export function layoutStateMachine(definition: unknown): GraphLayout {
  const asl = (definition ?? {}) as { StartAt?: unknown; States?: Record<string, AslState> };
  const graph = new dagre.graphlib.Graph({ multigraph: true, compound: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, edgesep: 12, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  const groupParent = new Map<string, string | undefined>();
  // States of one machine (the top level, or inside a group); a name is drawn once (the first one wins).
  const addMachine = (machine: { States?: Record<string, AslState> }, parent: string | undefined) => {
    const states = machine.States && typeof machine.States === 'object' ? machine.States : {};
    for (const [name, state] of Object.entries(states)) {
      if (graph.hasNode(name)) continue;
      graph.setNode(name, { width: Math.max(MIN_NODE_WIDTH, name.length * CHAR_WIDTH + NODE_PADDING), height: NODE_HEIGHT, type: String(state.Type ?? '') });
      const inner = innerMachines(state);
      if (inner.length > 0) {
        const group = `${GROUP_PREFIX}${name}`;
        graph.setNode(group, { type: String(state.Type), group: name });
        if (parent) graph.setParent(group, parent);
        groupParent.set(name, parent);
        graph.setParent(name, group);
        for (const machine of inner) addMachine(machine, group);
        for (const machine of inner) {
          if (typeof machine.StartAt === 'string' && graph.hasNode(machine.StartAt)) graph.setEdge(name, machine.StartAt, { kind: 'branch', weight: 2, minlen: 1 }, `branch:${name}->${machine.StartAt}`);
        }
      } else if (parent) graph.setParent(name, parent);
    }
    for (const [name, state] of Object.entries(states)) {
      for (const { to, kind } of transitionsOf(state)) {
        if (states[to]) graph.setEdge(name, to, { kind, weight: kind === 'next' ? 2 : 1, minlen: 1 }, `${kind}:${name}->${to}`);
      }
    }
  };
  addMachine(asl, undefined);
  dagre.layout(graph);
  const placed = (id: string) => graph.node(id) as { x: number; y: number; width: number; height: number; type: string; group?: string };
  const nodes = graph.nodes().filter((id: string) => !id.startsWith(GROUP_PREFIX) || !placed(id).group).map((name: string) => {
    const node = placed(name);
    return { name, type: node.type, x: node.x, y: node.y, width: node.width, height: node.height };
  });
  const groups = [...groupParent.entries()].map(([name, parent]) => {
    const node = placed(`${GROUP_PREFIX}${name}`);
    return { name, type: node.type, x: node.x, y: node.y, width: node.width, height: node.height, ...(parent ? { parent: parent.slice(GROUP_PREFIX.length) } : {}) };
  });
  const edges = graph.edges().map((edge: { v: string; w: string; name?: string }) => {
    const label = graph.edge(edge) as { kind: EdgeKind; points?: { x: number; y: number }[] };
    return { from: edge.v, to: edge.w, kind: label.kind, points: label.points ?? [] };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), start: typeof asl.StartAt === 'string' ? asl.StartAt : undefined, nodes, edges, groups };
}
