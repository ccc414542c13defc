/**
 * The governance calls of a local run:
 * - CreateModelPackage adds a version to the emulated registry, `.local/registry/<group>/<version>.json`
 *   (kept across runs, like the real registry), with the evaluation report it names read from local S3;
 * - UpdateModelPackage records an approval decision on a version;
 * - the approval's SNS publish with `.waitForTaskToken` writes the request next to the run and waits for
 *   a decision: `--approve-all`/`--reject-all`, an answer on the terminal, or `legacy-mlops approve`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { APPROVAL_ATTRIBUTES, APPROVAL_REJECTED_ERROR } from '../../asl/approval-states.js';
import { waitForDecision, writeApprovalRequest, writeDecision, type ApprovalDecision } from '../../approval/local-approvals.js';
import { TaskError } from '../errors.js';
import type { LocalRunContext } from '../run-context.js';
import { asObject, callEmulator, stageOfState } from './call-emulator.js';
import { sageMakerArn } from './training-job.js';
import type { PreparedTask, TaskEmulator, TaskStateRef } from './types.js';

/** One registered version as the local registry keeps it (DescribeModelPackage's names). */
export interface LocalModelPackage {
  readonly ModelPackageGroupName: string;
  readonly ModelPackageVersion: number;
  readonly ModelPackageArn: string;
  readonly ModelApprovalStatus: string;
  readonly ApprovalDescription?: string;
  readonly CreationTime: string;
  readonly LastModifiedTime: string;
  readonly InferenceSpecification: unknown;
  readonly ModelMetrics?: unknown;
  readonly CustomerMetadataProperties?: Record<string, string>;
  /** The evaluation report the metrics name, read from local S3 when the version was registered. */
  readonly report?: unknown;
}

function versionsOf(registryDir: string, group: string): LocalModelPackage[] {
  const dir = join(registryDir, group);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as LocalModelPackage)
    .sort((a, b) => a.ModelPackageVersion - b.ModelPackageVersion);
}

function save(registryDir: string, version: LocalModelPackage): void {
  const dir = join(registryDir, version.ModelPackageGroupName);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${version.ModelPackageVersion}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(version, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The versions of a group in the local registry, oldest first. */
export function localRegistryVersions(registryDir: string, group: string): readonly LocalModelPackage[] {
  return versionsOf(registryDir, group);
}

export const createModelPackageEmulator = callEmulator('SageMaker CreateModelPackage (local registry)', (request, state, run) => {
  const group = String(request.ModelPackageGroupName ?? '');
  const versions = versionsOf(run.registryDir, group);
  const number = (versions[versions.length - 1]?.ModelPackageVersion ?? 0) + 1;
  const arn = sageMakerArn(undefined, undefined, 'model-package', `${group}/${number}`);
  const statistics = asObject(asObject(asObject(request.ModelMetrics).ModelQuality).Statistics);
  const reportPath = typeof statistics.S3Uri === 'string' ? run.s3.pathOf(statistics.S3Uri) : undefined;
  if (reportPath && !existsSync(reportPath)) throw new TaskError('SageMaker.ValidationException', `the model metrics ${String(statistics.S3Uri)} do not exist (local S3: ${reportPath})`);
  const now = new Date().toISOString();
  const version: LocalModelPackage = {
    ModelPackageGroupName: group,
    ModelPackageVersion: number,
    ModelPackageArn: arn,
    ModelApprovalStatus: String(request.ModelApprovalStatus ?? 'PendingManualApproval'),
    CreationTime: now,
    LastModifiedTime: now,
    InferenceSpecification: request.InferenceSpecification,
    ...(request.ModelMetrics ? { ModelMetrics: request.ModelMetrics } : {}),
    ...(request.CustomerMetadataProperties ? { CustomerMetadataProperties: request.CustomerMetadataProperties as Record<string, string> } : {}),
    ...(reportPath ? { report: JSON.parse(readFileSync(reportPath, 'utf8')) as unknown } : {}),
  };
  save(run.registryDir, version);
  run.log(`  ${state.name}: registered version ${number} of ${group} (${version.ModelApprovalStatus}) in ${join(run.registryDir, group)}`);
  return { ModelPackageArn: arn };
});

export const updateModelPackageEmulator = callEmulator('SageMaker UpdateModelPackage (local registry)', (request, state, run) => {
  const arn = String(request.ModelPackageArn ?? '');
  const [, group, number] = /model-package\/([^/]+)\/(\d+)$/.exec(arn) ?? [];
  const version = group ? versionsOf(run.registryDir, group).find((v) => v.ModelPackageVersion === Number(number)) : undefined;
  if (!version) throw new TaskError('SageMaker.ValidationException', `Model package ${arn} does not exist in the local registry (${run.registryDir})`);
  save(run.registryDir, {
    ...version,
    ModelApprovalStatus: String(request.ModelApprovalStatus ?? version.ModelApprovalStatus),
    ...(request.ApprovalDescription !== undefined ? { ApprovalDescription: String(request.ApprovalDescription) } : {}),
    LastModifiedTime: new Date().toISOString(),
  });
  run.log(`  ${state.name}: version ${number} of ${group} is now ${String(request.ModelApprovalStatus)}`);
  return { ModelPackageArn: arn };
});

export const approvalRequestEmulator: TaskEmulator = {
  emulates: 'SNS Publish .waitForTaskToken (approval asked on the terminal or with legacy-mlops approve)',
  async prepare(state: TaskStateRef, run: LocalRunContext): Promise<PreparedTask> {
    const stage = stageOfState(state);
    return {
      stageName: stage,
      handler: async (value) => {
        const request = asObject(value);
        const attributes = asObject(request.MessageAttributes);
        const attribute = (name: string) => asObject(attributes[name]).StringValue as string | undefined;
        const modelPackageArn = attribute(APPROVAL_ATTRIBUTES.modelPackage);
        writeApprovalRequest(run.runDir, {
          stage,
          execution: run.executionName,
          ...(modelPackageArn ? { modelPackageArn } : {}),
          message: String(request.Message ?? ''),
          requestedAt: new Date().toISOString(),
        });
        const decision = await decide(stage, String(request.Message ?? ''), run);
        run.notice(`stage '${stage}' was ${decision.decision} by ${decision.by} at ${decision.at}${decision.reason ? `: ${decision.reason}` : ''}`);
        if (decision.decision === 'rejected') throw new TaskError(APPROVAL_REJECTED_ERROR, JSON.stringify(decision));
        return decision;
      },
    };
  },
};

async function decide(stage: string, message: string, run: LocalRunContext): Promise<ApprovalDecision> {
  if (run.approvals !== 'ask') {
    const decision: ApprovalDecision = {
      decision: run.approvals === 'approve-all' ? 'approved' : 'rejected',
      by: `legacy-mlops local --${run.approvals}`,
      at: new Date().toISOString(),
      reason: 'unattended run',
    };
    writeDecision(run.runDir, stage, decision);
    return decision;
  }
  run.log(`  ${stage}: waiting for a decision. ${message}`);
  run.log(`  ${stage}: from another terminal: npx legacy-mlops approve ${run.executionName} [--reject --reason <why>]`);
  const stop = new AbortController();
  const onRunStop = () => stop.abort(run.signal.reason);
  run.signal.addEventListener('abort', onRunStop, { once: true });
  try {
    const waits = [waitForDecision(run.runDir, stage, stop.signal)];
    if (process.stdin.isTTY && process.stdout.isTTY) waits.push(askOnTerminal(stage, run, stop.signal));
    return await Promise.race(waits);
  } finally {
    stop.abort();
    run.signal.removeEventListener('abort', onRunStop);
  }
}

/** Asks on the terminal; the answer is written like `legacy-mlops approve` writes it (the first decision stands). */
async function askOnTerminal(stage: string, run: LocalRunContext, signal: AbortSignal): Promise<ApprovalDecision> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const answer = (await terminal.question(`Approve stage ${stage}? [y = approve / n = reject] `, { signal })).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'n') continue;
      const reason = answer === 'n' ? (await terminal.question('Why? ', { signal })).trim() : '';
      const decision: ApprovalDecision = { decision: answer === 'y' ? 'approved' : 'rejected', by: localUser(), at: new Date().toISOString(), reason };
      writeDecision(run.runDir, stage, decision);
      return await waitForDecision(run.runDir, stage, signal);
    }
  } finally {
    terminal.close();
  }
}

export function localUser(): string {
  return process.env.USER ?? process.env.USERNAME ?? 'local user';
}
