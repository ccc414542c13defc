/** The report page's two drawings, as inline SVG: the state machine graph coloured by outcome, and the job timeline. */
import { layoutStateMachine, type GraphEdge, type GraphGroup } from './graph-layout.js';
import { escapeHtml, formatDuration, readableCause } from './html.js';
import { JOB_COLOURS, OUTCOME_COLOURS } from './report-style.js';
import type { JobView, RunRecord, StateOutcome, StateView } from './run-record.js';

/** A state entered several times (a retry loop, an endpoint's polling) shows how its last entry ended. */
export function outcomeByState(record: RunRecord): Map<string, StateView> {
  const last = new Map<string, StateView>();
  for (const state of record.states) last.set(state.name, state);
  // A state inside a fan-out runs once per item (`<item> › <state>` locally): its node shows the worst item.
  for (const state of record.states) {
    const inner = state.name.split(' › ').pop()!;
    if (inner === state.name) continue;
    const shown = last.get(inner);
    if (!shown || OUTCOME_RANK[state.outcome] > OUTCOME_RANK[shown.outcome]) last.set(inner, { ...state, name: inner });
  }
  return last;
}

/** Which outcome a node of several runs shows: the worst. */
const OUTCOME_RANK: Record<StateOutcome, number> = { 'not-reached': 0, skipped: 1, running: 2, succeeded: 3, caught: 4, failed: 5 };

/** States never entered: skipped when the execution succeeded (a switch or a gate left them out), else not reached. */
function unvisitedOutcome(record: RunRecord): StateOutcome {
  return record.status === 'SUCCEEDED' ? 'skipped' : record.status === 'RUNNING' ? 'not-reached' : 'not-reached';
}

export function renderGraph(record: RunRecord): string {
  const layout = layoutStateMachine(record.definition);
  if (layout.nodes.length === 0) return '<p class="muted">No state machine definition to draw.</p>';
  const visited = outcomeByState(record);
  const margin = 4;
  const width = layout.width + margin * 2;
  const height = layout.height + margin * 2 + 18;
  const edges = layout.edges.map((edge) => renderEdge(edge, visited)).join('');
  // Outer groups first, so a nested group is drawn on top of the one holding it.
  const depth = (group: GraphGroup): number => (group.parent ? 1 + depth(layout.groups.find((g) => g.name === group.parent)!) : 0);
  const groups = [...layout.groups].sort((a, b) => depth(a) - depth(b)).map(renderGroup).join('');
  const nodes = layout.nodes
    .map((node) => {
      const state = visited.get(node.name);
      const outcome = state?.outcome ?? unvisitedOutcome(record);
      const colour = OUTCOME_COLOURS[outcome];
      const x = node.x - node.width / 2;
      const y = node.y - node.height / 2;
      const rounded = node.type === 'Choice' ? 4 : node.type === 'Succeed' || node.type === 'Fail' ? node.height / 2 : 8;
      const dash = outcome === 'skipped' || outcome === 'not-reached' ? ' stroke-dasharray="5 3"' : '';
      const strokeWidth = outcome === 'failed' ? 3.5 : 2;
      const tip = [`${node.name} (${node.type}): ${colour.label}`, state?.durationMs !== undefined ? formatDuration(state.durationMs) : '', state?.error ? `${state.error.error}: ${readableCause(state.error.cause)}` : '']
        .filter(Boolean)
        .join('\n');
      return (
        `<g class="state" data-state="${escapeHtml(node.name)}" data-outcome="${outcome}"><title>${escapeHtml(tip)}</title>` +
        `<rect x="${x}" y="${y}" width="${node.width}" height="${node.height}" rx="${rounded}" fill="${colour.fill}" stroke="${colour.stroke}" stroke-width="${strokeWidth}"${dash}/>` +
        `<text x="${node.x}" y="${node.y + 4}" text-anchor="middle" font-size="12" fill="#202124">${escapeHtml(node.name)}</text></g>`
      );
    })
    .join('');
  const start = layout.nodes.find((n) => n.name === layout.start);
  const startMark = start ? `<circle cx="${start.x}" cy="${start.y - start.height / 2 - 9}" r="5" fill="#5f6368"/>` : '';
  return (
    `<svg class="graph" role="img" aria-label="State machine graph" width="${width}" height="${height}" viewBox="${-margin} ${-margin - 18} ${width} ${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<defs>${['next', 'choice', 'catch', 'branch', 'taken'].map((k) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${edgeColour(k)}"/></marker>`).join('')}</defs>` +
    `${groups}${startMark}${edges}${nodes}</svg>`
  );
}

/** A Map or Parallel state's box: the state itself at its top, the states it runs inside. */
function renderGroup(group: GraphGroup): string {
  const x = group.x - group.width / 2;
  const y = group.y - group.height / 2;
  const what = group.type === 'Map' ? 'runs for each item' : 'runs its branches in parallel';
  return (
    `<g class="group" data-group="${escapeHtml(group.name)}" data-type="${escapeHtml(group.type)}"><title>${escapeHtml(`${group.type} ${group.name}: ${what}`)}</title>` +
    `<rect x="${x}" y="${y}" width="${group.width}" height="${group.height}" rx="10" fill="#f1f3f4" fill-opacity="0.6" stroke="#5f6368" stroke-width="1.2" stroke-dasharray="6 3"/>` +
    `<text x="${x + 8}" y="${y + group.height - 6}" font-size="11" fill="#5f6368">${escapeHtml(`${group.type}: ${what}`)}</text></g>`
  );
}

function edgeColour(kind: string): string {
  return kind === 'catch' ? '#d97706' : kind === 'taken' ? '#3c4043' : '#9aa0a6';
}

/** An edge is drawn dark when both its ends ran (the path the execution likely took). */
function renderEdge(edge: GraphEdge, visited: Map<string, StateView>): string {
  if (edge.points.length === 0) return '';
  const taken = visited.has(edge.from) && visited.has(edge.to) && (edge.kind !== 'catch' || visited.get(edge.from)?.outcome === 'caught');
  const kind = taken ? 'taken' : edge.kind;
  const path = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const dash = edge.kind === 'catch' ? ' stroke-dasharray="4 3"' : '';
  return `<path class="edge" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="${path}" fill="none" stroke="${edgeColour(kind)}" stroke-width="${taken ? 2 : 1.3}"${dash} marker-end="url(#arrow-${kind})"/>`;
}

const ROW_HEIGHT = 26;
const LABEL_WIDTH = 300;
const BAR_AREA = 760;

/** One row and one bar per job, placed by its start and length on the run's time axis. */
export function renderTimeline(record: RunRecord): string {
  const jobs = [...record.jobs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (jobs.length === 0) return '<p class="muted">No jobs ran.</p>';
  const origin = Math.min(Date.parse(record.startedAt), ...jobs.map((j) => Date.parse(j.startedAt)));
  const end = Math.max(...jobs.map((j) => Date.parse(j.startedAt) + j.durationMs), origin + (record.durationMs ?? 0), origin + 1);
  const span = end - origin;
  const scale = (ms: number) => (ms / span) * BAR_AREA;
  const height = jobs.length * ROW_HEIGHT + 24;
  const ticks = axisTicks(span)
    .map((t) => `<g><line x1="${LABEL_WIDTH + scale(t)}" y1="0" x2="${LABEL_WIDTH + scale(t)}" y2="${height - 20}" stroke="#eceff1"/><text x="${LABEL_WIDTH + scale(t)}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#5f6368">${escapeHtml(formatDuration(t))}</text></g>`)
    .join('');
  const rows = jobs
    .map((job, i) => {
      const y = i * ROW_HEIGHT;
      const x = LABEL_WIDTH + scale(Date.parse(job.startedAt) - origin);
      const w = Math.max(3, scale(job.durationMs));
      const colour = JOB_COLOURS[job.status] ?? '#5f6368';
      const label = jobLabel(job);
      const text = formatDuration(job.durationMs);
      const textX = x + w + 6 + 60 > LABEL_WIDTH + BAR_AREA ? x - 6 : x + w + 6;
      const anchor = textX < x ? 'end' : 'start';
      return (
        `<g class="job-bar" data-job="${escapeHtml(job.name)}" data-state="${escapeHtml(job.state)}" data-status="${escapeHtml(job.status)}"><title>${escapeHtml(`${label}: ${job.status} in ${text}`)}</title>` +
        `<text x="${LABEL_WIDTH - 8}" y="${y + 17}" font-size="12" text-anchor="end" fill="#202124">${escapeHtml(truncate(label, 44))}</text>` +
        `<rect class="bar" x="${x.toFixed(1)}" y="${y + 5}" width="${w.toFixed(1)}" height="${ROW_HEIGHT - 10}" rx="3" fill="${colour}"/>` +
        `<text x="${textX.toFixed(1)}" y="${y + 17}" font-size="11" text-anchor="${anchor}" fill="#3c4043">${escapeHtml(text)}</text></g>`
      );
    })
    .join('');
  const width = LABEL_WIDTH + BAR_AREA + 70;
  return `<svg class="timeline" role="img" aria-label="Job timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${ticks}${rows}</svg>`;
}

export function jobLabel(job: JobView): string {
  return job.part ? `${job.state} · ${job.part}` : job.state;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Round tick positions: about five on the axis. */
function axisTicks(span: number): number[] {
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  const step = steps.find((s) => span / s <= 6) ?? 3_600_000;
  const ticks: number[] = [];
  for (let t = 0; t <= span; t += step) ticks.push(t);
  return ticks;
}
