/**
 * `legacy-mlops local`: runs the generated pipeline on this machine (see src/local/).
 * Exit codes: 0 the execution succeeded, 1 it failed or timed out, 2 refused before any job started,
 * 130 interrupted (Ctrl-C, SIGINT), 143 terminated (SIGTERM).
 */
import { join } from 'node:path';
import { LOCAL_USAGE, LocalRunRefused, parseLocalArgs, runPipelineLocally } from '../local/index.js';
import { killAllJobsNow } from '../local/job-process.js';
import { stateMachineName } from '../construct/deployed-input.js';
import { readPipelineModel, selectEnvironment } from '../construct/pipeline-model.js';
import type { LocalRunReport } from '../local/report.js';
import { REPORT_PAGE_FILE } from '../report/local-record.js';
import { openPage } from '../report/open-page.js';

export const EXIT_REFUSED = 2;
export const EXIT_INTERRUPTED = 130;
export const EXIT_TERMINATED = 143;

/** `arn:<partition>:states:<region>:<account>:execution:<state machine>`: where that environment's executions run. */
function environmentExecutionArnPrefix(cwd: string, name: string): string {
  try {
    const { environment, pipeline } = selectEnvironment(readPipelineModel(cwd), name);
    return `arn:${pipeline.partition}:states:${environment.region}:${environment.account}:execution:${stateMachineName(pipeline)}`;
  } catch (error) {
    throw new LocalRunRefused(`--env ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `onReport` hears the finished run's report (the demo names its files from the user's folder). */
export async function runLocal(argv: string[], cwd: string, onReport?: (report: LocalRunReport) => void): Promise<number> {
  const stop = new AbortController();
  let received: NodeJS.Signals | undefined;
  // First signal: stop the running job (SIGTERM to its group, SIGKILL after a grace period);
  // a second one kills every job process at once.
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      killAllJobsNow();
      return;
    }
    received = signal;
    stop.abort();
  };
  const exitCodeOf = () => (received === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED);
  const interrupted = () => {
    process.stderr.write(`legacy-mlops local: ${received === 'SIGTERM' ? 'terminated (SIGTERM)' : 'interrupted (Ctrl-C)'}: every job process stopped\n`);
    return exitCodeOf();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const options = parseLocalArgs(argv);
    if (options.help) {
      console.log(LOCAL_USAGE);
      return 0;
    }
    const { open, env, ...runOptions } = options;
    const executionArnPrefix = env === undefined ? undefined : environmentExecutionArnPrefix(cwd, env);
    const report = await runPipelineLocally({ ...runOptions, ...(executionArnPrefix ? { executionArnPrefix } : {}), repoRoot: cwd, signal: stop.signal });
    onReport?.(report);
    if (open) {
      const problem = await openPage(join(report.runDir, REPORT_PAGE_FILE));
      if (problem) console.error(`legacy-mlops local: ${problem}`);
    }
    if (report.status === 'SUCCEEDED') return 0;
    return received ? interrupted() : 1;
  } catch (error) {
    if (received) return interrupted();
    if (!(error instanceof LocalRunRefused)) throw error;
    for (const problem of error.problems) console.error(`legacy-mlops local: ${problem}`);
    return EXIT_REFUSED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
