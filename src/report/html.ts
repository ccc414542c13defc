/** Escaping and formatting shared by the report page's parts. */

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A number as people read a metric: up to 4 decimals, no trailing zeros. */
export function formatMetric(value: number | undefined): string {
  return value === undefined ? '–' : String(Number(value.toFixed(4)));
}

/** A SageMaker `.sync` failure's cause is the job's Describe* response: its FailureReason says what went wrong. */
export function readableCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as Record<string, unknown>;
    const reason = parsed?.FailureReason ?? parsed?.ExitMessage ?? parsed?.errorMessage;
    if (typeof reason === 'string') return reason;
  } catch {
    // Not JSON: already a sentence.
  }
  return cause;
}
