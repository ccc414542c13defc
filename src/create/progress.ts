/** A one-line progress indicator with the elapsed time; plain start/end lines when the stream is not a terminal. */

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs `work` while showing `label` and a spinner; returns its result and the time it took. */
export async function withProgress<T>(label: string, work: () => Promise<T>, stream: ProgressStream = process.stderr): Promise<{ result: T; ms: number }> {
  const start = Date.now();
  let frame = 0;
  const timer = stream.isTTY
    ? setInterval(() => stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label} (${seconds(Date.now() - start)})`), 100)
    : undefined;
  if (!stream.isTTY) stream.write(`${label}…\n`);
  try {
    const result = await work();
    return { result, ms: Date.now() - start };
  } finally {
    if (timer) {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    }
  }
}
