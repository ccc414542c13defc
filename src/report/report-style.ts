/** The report page's stylesheet, inlined so the page needs nothing at view time. */
import type { StateOutcome } from './run-record.js';

/** Fill and stroke per outcome: the graph, the timeline and the badges use the same colours. */
export const OUTCOME_COLOURS: Record<StateOutcome, { fill: string; stroke: string; label: string }> = {
  succeeded: { fill: '#e6f4ea', stroke: '#1e7e34', label: 'succeeded' },
  failed: { fill: '#fde7e9', stroke: '#c5221f', label: 'failed' },
  caught: { fill: '#fff4e0', stroke: '#d97706', label: 'failed, caught' },
  skipped: { fill: '#f1f3f4', stroke: '#9aa0a6', label: 'skipped' },
  'not-reached': { fill: '#ffffff', stroke: '#c4c7c5', label: 'not reached' },
  running: { fill: '#e8f0fe', stroke: '#1a73e8', label: 'running' },
};

export const JOB_COLOURS: Record<string, string> = { Completed: '#1e7e34', Failed: '#c5221f', Stopped: '#d97706', InProgress: '#1a73e8' };

export const REPORT_CSS = `
:root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #202124; background: #fafafa; }
body { margin: 0 auto; max-width: 1180px; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid #e0e0e0; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 0 0 6px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-size: 13px; font-weight: 600; border: 1px solid; vertical-align: middle; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 22px; font-size: 13px; color: #5f6368; margin: 6px 0 0; padding: 0; list-style: none; }
.facts b { color: #202124; font-weight: 600; }
.error { background: #fde7e9; border: 1px solid #c5221f; border-radius: 6px; padding: 10px 14px; margin: 16px 0; }
.error pre { white-space: pre-wrap; margin: 6px 0 0; }
.notice { background: #fff8e1; border: 1px solid #f0c36d; border-radius: 6px; padding: 6px 12px; margin: 8px 0; font-size: 13px; }
.gates { display: flex; flex-wrap: wrap; gap: 12px; }
.gate { border: 1px solid #dadce0; border-radius: 8px; background: #fff; padding: 10px 14px; min-width: 260px; }
.gate .verdict { font-weight: 700; } .gate .pass { color: #1e7e34; } .gate .fail { color: #c5221f; } .gate .unknown { color: #5f6368; }
.gate .numbers { font-size: 20px; margin: 4px 0; }
.panel { background: #fff; border: 1px solid #dadce0; border-radius: 8px; padding: 10px; overflow-x: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12px; margin: 6px 0 0; }
.legend span::before { content: ''; display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 5px; vertical-align: -2px; border: 2px solid var(--stroke); background: var(--fill); }
svg text { font-family: inherit; }
table { border-collapse: collapse; font-size: 13px; width: 100%; background: #fff; }
th, td { border: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f4; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.job { background: #fff; border: 1px solid #dadce0; border-left: 5px solid var(--stroke); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
.job dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; font-size: 13px; }
.job dt { color: #5f6368; } .job dd { margin: 0; word-break: break-word; }
pre.log { background: #202124; color: #e8eaed; padding: 8px 10px; border-radius: 4px; font-size: 12px; overflow-x: auto; max-height: 320px; margin: 4px 0 0; }
.output { margin: 12px 0; } .output code { font-size: 12px; }
.muted { color: #5f6368; font-size: 13px; }
`;
