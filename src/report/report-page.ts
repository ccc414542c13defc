/**
 * `renderReportPage`: a run record → one self-contained HTML page (inline CSS and SVG, no script,
 * nothing fetched at view time), so it opens from disk, from a CI artifact or attached to an email.
 */
import { escapeHtml, formatBytes, formatDuration, formatMetric, readableCause } from './html.js';
import { OUTCOME_COLOURS, REPORT_CSS } from './report-style.js';
import { jobLabel, renderGraph, renderTimeline } from './report-svg.js';
import type { GateView, JobView, OutputView, RunRecord, StateOutcome } from './run-record.js';

const STATUS_OUTCOME: Record<string, StateOutcome> = { SUCCEEDED: 'succeeded', FAILED: 'failed', TIMED_OUT: 'failed', ABORTED: 'caught', RUNNING: 'running' };

export function renderReportPage(record: RunRecord): string {
  const title = `${record.source === 'cloud' ? 'Cloud execution' : 'Local run'} ${record.executionName}`;
  const sections = [
    header(record, title),
    record.error ? errorBox(record.error) : '',
    ...(record.notices ?? []).map((n) => `<p class="notice">${escapeHtml(n)}</p>`),
    record.gates.length > 0 ? `<section id="gates"><h2>Metric gate</h2><div class="gates">${record.gates.map(gateCard).join('')}</div></section>` : '',
    `<section id="graph"><h2>Pipeline</h2><div class="panel">${renderGraph(record)}${legend()}</div></section>`,
    `<section id="timeline"><h2>Timeline</h2><div class="panel">${renderTimeline(record)}</div></section>`,
    record.jobs.length > 0 ? `<section id="jobs"><h2>Jobs</h2>${record.jobs.map(jobCard).join('')}</section>` : '',
    `<section id="states"><h2>States</h2>${statesTable(record)}</section>`,
    `<section id="outputs"><h2>Outputs</h2>${record.outputs.length > 0 ? record.outputs.map(outputBlock).join('') : '<p class="muted">No outputs were written.</p>'}</section>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network at view time: nothing may be loaded from anywhere.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(`${title}: ${record.status}`)}</title>`,
    `<style>${REPORT_CSS}</style></head>`,
    `<body data-status="${escapeHtml(record.status)}">`,
    ...sections.filter(Boolean),
    '</body></html>',
    '',
  ].join('\n');
}

function badge(text: string, outcome: StateOutcome, attributes = ''): string {
  const colour = OUTCOME_COLOURS[outcome];
  return `<span class="badge"${attributes} style="background:${colour.fill};border-color:${colour.stroke};color:${colour.stroke}">${escapeHtml(text)}</span>`;
}

function header(record: RunRecord, title: string): string {
  const facts = [
    { label: 'started', value: record.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') },
    { label: 'took', value: formatDuration(record.durationMs) },
    { label: 'jobs', value: String(record.jobs.length) },
    ...(record.facts ?? []),
  ];
  const items = facts.map((f) => `<li>${escapeHtml(f.label)}: <b>${f.href ? `<a href="${escapeHtml(f.href)}">${escapeHtml(f.value)}</a>` : escapeHtml(f.value)}</b></li>`).join('');
  return `<header><h1>${escapeHtml(title)} ${badge(record.status, STATUS_OUTCOME[record.status] ?? 'failed', ' id="run-status"')}</h1><ul class="facts">${items}</ul></header>`;
}

function errorBox(error: NonNullable<RunRecord['error']>): string {
  const where = error.state ? ` in state <b>${escapeHtml(error.state)}</b>` : '';
  return `<div class="error" id="run-error"><b>${escapeHtml(error.error)}</b>${where}<pre>${escapeHtml(readableCause(error.cause))}</pre></div>`;
}

function gateCard(gate: GateView): string {
  const verdict = gate.passed === undefined ? ['not reached', 'unknown'] : gate.passed ? ['passed', 'pass'] : ['failed', 'fail'];
  const higher = gate.comparison.startsWith('>');
  return (
    `<div class="gate" data-gate="${escapeHtml(gate.state)}" data-passed="${gate.passed ?? ''}">` +
    `<h3>${escapeHtml(gate.state)}</h3>` +
    `<div class="numbers"><b class="gate-value">${escapeHtml(gate.metric)} ${escapeHtml(formatMetric(gate.value))}</b> ${escapeHtml(gate.comparison)} <span class="gate-threshold">${escapeHtml(formatMetric(gate.threshold))}</span></div>` +
    `<div class="verdict ${verdict[1]}">${verdict[0]}</div>` +
    `<div class="muted">passes when ${escapeHtml(gate.metric)} is ${higher ? 'at least' : 'at most'} the threshold (${higher ? 'higher' : 'lower'} is better)</div></div>`
  );
}

function legend(): string {
  const shown: StateOutcome[] = ['succeeded', 'failed', 'caught', 'skipped', 'not-reached'];
  return `<div class="legend">${shown.map((o) => `<span style="--fill:${OUTCOME_COLOURS[o].fill};--stroke:${OUTCOME_COLOURS[o].stroke}">${OUTCOME_COLOURS[o].label}</span>`).join('')}</div>`;
}

function jobCard(job: JobView): string {
  const outcome: StateOutcome = job.status === 'Completed' ? 'succeeded' : job.status === 'Failed' ? 'failed' : job.status === 'InProgress' ? 'running' : 'caught';
  const rows: [string, string][] = [
    ['job', job.name],
    ...(job.kind ? [['kind', job.kind] as [string, string]] : []),
    ...(job.backend ? [['ran on', job.backend] as [string, string]] : []),
    ['duration', formatDuration(job.durationMs)],
    ...(job.exitCode !== undefined ? [['exit code', String(job.exitCode)] as [string, string]] : []),
    ['exit message', job.exitMessage || (job.status === 'Completed' ? '–' : '(none: the job wrote no /opt/ml/output/message)')],
    ...(job.failureReason && job.failureReason !== job.exitMessage ? [['failure reason', job.failureReason] as [string, string]] : []),
  ];
  const details = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  const log = job.logTail && job.logTail.lines.length > 0
    ? `<div class="muted">last ${job.logTail.lines.length} lines of ${escapeHtml(job.logTail.source)}</div><pre class="log">${escapeHtml(job.logTail.lines.join('\n'))}</pre>`
    : job.logProblem
      ? `<div class="muted log-problem">${escapeHtml(job.logProblem)}</div>`
      : '';
  return (
    `<article class="job" data-job="${escapeHtml(job.name)}" style="--stroke:${OUTCOME_COLOURS[outcome].stroke}">` +
    `<h3>${escapeHtml(jobLabel(job))} ${badge(job.status, outcome)}</h3><dl>${details}</dl>${log}</article>`
  );
}

function statesTable(record: RunRecord): string {
  const rows = record.states.map((s) => {
    const colour = OUTCOME_COLOURS[s.outcome];
    const detail = s.error ? `${s.error.error}: ${readableCause(s.error.cause)}` : '';
    const caught = s.caughtTo ? ` → ${s.caughtTo}` : '';
    return (
      `<tr data-state="${escapeHtml(s.name)}"><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.type)}</td>` +
      `<td style="color:${colour.stroke};font-weight:600">${escapeHtml(colour.label + caught)}</td><td class="num">${escapeHtml(formatDuration(s.durationMs))}</td>` +
      `<td class="num">${s.attempts ?? 1}</td><td>${escapeHtml(detail.length > 400 ? `${detail.slice(0, 400)}…` : detail)}</td></tr>`
    );
  });
  return `<table><thead><tr><th>State</th><th>Type</th><th>Outcome</th><th>Duration</th><th>Attempts</th><th>Error</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function outputBlock(output: OutputView): string {
  const where = output.localPath ? `<div class="muted">on this machine: <code>${escapeHtml(output.localPath)}</code></div>` : '';
  const files = output.files && output.files.length > 0
    ? `<table><thead><tr><th>File</th><th>Size</th></tr></thead><tbody>${output.files.map((f) => `<tr><td><code>${escapeHtml(f.path)}</code></td><td class="num">${escapeHtml(formatBytes(f.bytes))}</td></tr>`).join('')}${output.moreFiles ? `<tr><td colspan="2" class="muted">and ${output.moreFiles} more</td></tr>` : ''}</tbody></table>`
    : '';
  const preview = output.preview && output.preview.rows.length > 0
    ? `<div class="muted">first rows of ${escapeHtml(output.preview.file)}</div><table class="preview"><thead><tr>${output.preview.rows[0].map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${output.preview.rows.slice(1).map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : '';
  return `<div class="output" data-output="${escapeHtml(`${output.state}/${output.name}`)}"><h3>${escapeHtml(output.state)} → ${escapeHtml(output.name)}</h3><div><code>${escapeHtml(output.uri)}</code></div>${where}${files}${preview}</div>`;
}
