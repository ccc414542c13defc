/**
 * The state machine as a drawable graph: one node per top-level state (a Map or Parallel state is one node),
 * one edge per transition (Next, Choice rules and Default, Catch), placed by dagre's layered layout.
 * dagre is pure JavaScript (no DOM), so the page's SVG is drawn at report time and needs nothing to view.
 */
import dagre from '@dagrejs/dagre';

export type EdgeKind = 'next' | 'choice' | 'catch';

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

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly start?: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
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

export function layoutStateMachine(definition: unknown): GraphLayout {
  const asl = (definition ?? {}) as { StartAt?: unknown; States?: Record<string, AslState> };
  const states = asl.States && typeof asl.States === 'object' ? asl.States : {};
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, edgesep: 12, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const [name, state] of Object.entries(states)) {
    graph.setNode(name, { width: Math.max(MIN_NODE_WIDTH, name.length * CHAR_WIDTH + NODE_PADDING), height: NODE_HEIGHT, type: String(state.Type ?? '') });
  }
  for (const [name, state] of Object.entries(states)) {
    for (const { to, kind } of transitionsOf(state)) {
      if (states[to]) graph.setEdge(name, to, { kind, weight: kind === 'next' ? 2 : 1, minlen: 1 }, `${kind}:${name}->${to}`);
    }
  }
  dagre.layout(graph);
  const nodes = graph.nodes().map((name: string) => {
    const node = graph.node(name) as { x: number; y: number; width: number; height: number; type: string };
    return { name, type: node.type, x: node.x, y: node.y, width: node.width, height: node.height };
  });
  const edges = graph.edges().map((edge: { v: string; w: string }) => {
    const label = graph.edge(edge) as { kind: EdgeKind; points?: { x: number; y: number }[] };
    return { from: edge.v, to: edge.w, kind: label.kind, points: label.points ?? [] };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), start: typeof asl.StartAt === 'string' ? asl.StartAt : undefined, nodes, edges };
}
