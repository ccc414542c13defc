/**
 * A job's private folder, `.local/runs/<execution>/jobs/<job name>/`: `opt/ml` inside it is what the
 * container sees at /opt/ml (inputs, outputs, config, output/message), next to its stdout/stderr logs.
 */
import { existsSync, mkdirSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JobSandbox {
  readonly dir: string;
  readonly optMl: string;
  readonly stdoutLog: string;
  readonly stderrLog: string;
}

const OPT_ML = '/opt/ml';
/** SageMaker keeps the first 1 KB of /opt/ml/output/message as the ExitMessage. */
const EXIT_MESSAGE_BYTES = 1024;

/** The folders below /opt/ml SageMaker creates for each kind of job. */
export const SANDBOX_FOLDERS = {
  processing: ['config', 'output', 'processing'],
  training: ['input/config', 'input/data', 'model', 'output/data'],
  transform: ['model', 'output', 'transform'],
  /** None: a tuning job has no container of its own; its folder holds its name (its trials are training jobs). */
  tuning: [],
} as const;

/** Creates the sandbox; job names are unique, so an existing folder means a reused name. */
export function createJobSandbox(runDir: string, jobName: string, folders: readonly string[] = SANDBOX_FOLDERS.processing): JobSandbox {
  const dir = join(runDir, 'jobs', jobName);
  if (existsSync(dir)) throw new Error(`a job named ${jobName} already ran in this execution`);
  const optMl = join(dir, 'opt', 'ml');
  mkdirSync(dir, { recursive: true });
  for (const sub of folders) mkdirSync(join(optMl, sub), { recursive: true });
  return { dir, optMl, stdoutLog: join(dir, 'stdout.log'), stderrLog: join(dir, 'stderr.log') };
}

/** The sandbox folder behind a container path below /opt/ml. */
export function hostPathOf(sandbox: JobSandbox, containerPath: string): string {
  if (containerPath !== OPT_ML && !containerPath.startsWith(`${OPT_ML}/`)) throw new Error(`${containerPath} is not below ${OPT_ML}`);
  return join(sandbox.optMl, containerPath.slice(OPT_ML.length));
}

/** `/opt/ml/config/processingjobconfig.json` and `resourceconfig.json`, as SageMaker writes them on one host of the job. */
export function writeJobConfig(
  sandbox: JobSandbox,
  jobConfig: Record<string, unknown>,
  instanceType: string | undefined,
  hosts: readonly string[] = ['algo-1'],
  currentHost: string = hosts[0],
): void {
  const config = join(sandbox.optMl, 'config');
  writeFileSync(join(config, 'processingjobconfig.json'), JSON.stringify(jobConfig, null, 2));
  const resourceConfig = {
    current_host: currentHost,
    current_instance_type: instanceType,
    current_group_name: 'homogeneousCluster',
    hosts,
    instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: instanceType, hosts }],
    network_interface_name: 'eth0',
  };
  writeFileSync(join(config, 'resourceconfig.json'), JSON.stringify(resourceConfig, null, 2));
}

/**
 * The first 1 KB of /opt/ml/output/message (processing: the ExitMessage) or /opt/ml/output/failure
 * (training: the FailureReason), without a character cut in half; undefined when absent.
 */
export function readExitMessage(sandbox: JobSandbox, file: 'message' | 'failure' = 'message'): string | undefined {
  const path = join(sandbox.optMl, 'output', file);
  if (!existsSync(path)) return undefined;
  const buffer = Buffer.alloc(EXIT_MESSAGE_BYTES + 1);
  const fd = openSync(path, 'r');
  let length: number;
  try {
    length = readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = new TextDecoder('utf-8').decode(buffer.subarray(0, Math.min(length, EXIT_MESSAGE_BYTES)));
  // A multi-byte character cut at the limit decodes to U+FFFD: drop it.
  return (length > EXIT_MESSAGE_BYTES ? text.replace(/\uFFFD$/, '') : text).trim();
}
