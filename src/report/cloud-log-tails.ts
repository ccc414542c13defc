/**
 * The last lines of each SageMaker job's CloudWatch log, for a cloud execution's report page. SageMaker
 * writes a job's logs to `/aws/sagemaker/<Kind>Jobs`, one stream per instance named `<job name>/<host>…`
 * (as the SageMaker Python SDK reads them); the tail is GetLogEvents from the end with a small limit.
 * Reading is the caller's own credentials' business: a refusal is shown on the page, never fatal.
 */
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { JobView, RunRecord } from './run-record.js';

/** The log group of each kind of job. */
export const JOB_LOG_GROUPS: Readonly<Record<string, string>> = {
  processing: '/aws/sagemaker/ProcessingJobs',
  training: '/aws/sagemaker/TrainingJobs',
  transform: '/aws/sagemaker/TransformJobs',
};

/** Lines per stream, and streams per job (one per instance): enough to see why a job failed. */
export const LOG_TAIL_LINES = 20;
const MAX_STREAMS = 4;

/** The record with each job's log tail, or the reason it could not be read. */
export async function withCloudLogTails(record: RunRecord, client: CloudWatchLogsClient): Promise<RunRecord> {
  // A refusal for one job (no permission, no credentials) is a refusal for all: ask once.
  let refused: string | undefined;
  const jobs: JobView[] = [];
  for (const job of record.jobs) {
    const group = job.kind ? JOB_LOG_GROUPS[job.kind] : undefined;
    if (!group || job.name === `${job.state} job`) {
      jobs.push(job);
      continue;
    }
    if (refused) {
      jobs.push({ ...job, logProblem: refused });
      continue;
    }
    try {
      jobs.push({ ...job, ...(await tailOf(client, group, job.name)) });
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      const reason = error instanceof Error ? error.message : String(error);
      if (name === 'ResourceNotFoundException') jobs.push({ ...job, logProblem: `no log in ${group} (${reason})` });
      else {
        refused = `logs not readable: ${name && !reason.startsWith(name) ? `${name}: ` : ''}${reason}`;
        jobs.push({ ...job, logProblem: refused });
      }
    }
  }
  return { ...record, jobs };
}

async function tailOf(client: CloudWatchLogsClient, group: string, jobName: string): Promise<Pick<JobView, 'logTail' | 'logProblem'>> {
  const described = await client.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: `${jobName}/`, limit: 50 }));
  // A transform job's `<instance>/data-log` streams log the data transfer, not the container.
  const streams = (described.logStreams ?? [])
    .map((s) => s.logStreamName)
    .filter((name): name is string => typeof name === 'string' && !name.endsWith('/data-log'))
    .sort()
    .slice(0, MAX_STREAMS);
  if (streams.length === 0) return { logProblem: `no log stream ${group}/${jobName}/… (the job has written no log yet)` };
  const lines: string[] = [];
  for (const stream of streams) {
    const events = await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: false, limit: LOG_TAIL_LINES }));
    const host = stream.slice(jobName.length + 1);
    for (const event of events.events ?? []) {
      const message = (event.message ?? '').replace(/\n$/, '');
      lines.push(streams.length > 1 ? `[${host}] ${message}` : message);
    }
  }
  const source = streams.length > 1 ? `CloudWatch Logs ${group}, streams ${jobName}/… (${streams.length})` : `CloudWatch Logs ${group}/${streams[0]}`;
  return { logTail: { source, lines } };
}
