/**
 * `legacy-mlops local`: runs the generated pipeline on this machine (see src/local/).
 * Exit codes: 0 the execution succeeded, 1 it failed or timed out, 2 refused before any job started,
 * 130 interrupted (Ctrl-C).
 */
import { join } from 'node:path';
import { LOCAL_USAGE, LocalRunRefused, parseLocalArgs, runPipelineLocally } from '../local/index.js';
import { REPORT_PAGE_FILE } from '../report/local-record.js';
import { openPage } from '../report/open-page.js';

export const EXIT_REFUSED = 2;
export const EXIT_INTERRUPTED = 130;

export async function runLocal(argv: string[], cwd: string): Promise<number> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) process.stderr.write(`\nlegacy-mlops local: ${signal}: stopping the running job\n`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const options = parseLocalArgs(argv);
    if (options.help) {
      console.log(LOCAL_USAGE);
      return 0;
    }
    const { open, ...runOptions } = options;
    const report = await runPipelineLocally({ ...runOptions, repoRoot: cwd, signal: stop.signal });
    if (open) {
      const problem = await openPage(join(report.runDir, REPORT_PAGE_FILE));
      if (problem) console.error(`legacy-mlops local: ${problem}`);
    }
    if (report.status === 'SUCCEEDED') return 0;
    return report.status === 'ABORTED' ? EXIT_INTERRUPTED : 1;
  } catch (error) {
    if (!(error instanceof LocalRunRefused)) throw error;
    for (const problem of error.problems) console.error(`legacy-mlops local: ${problem}`);
    return EXIT_REFUSED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
