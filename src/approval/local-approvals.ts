/**
 * The approval mailbox of a local run, on disk: a waiting approval stage writes
 * `.local/runs/<execution>/approvals/<stage>.request.json`, and a decision arrives as
 * `<stage>.decision.json`, written by `legacy-mlops approve` from another terminal, by the
 * terminal prompt, or by `--approve-all`/`--reject-all`. The decision file is created exclusively,
 * so a second decision is refused rather than overwriting the first.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApprovalDecision } from './approval-contract.js';

export interface ApprovalRequest {
  readonly stage: string;
  readonly execution: string;
  readonly modelPackageArn?: string;
  readonly message: string;
  readonly requestedAt: string;
}

export type { ApprovalDecision };

export function approvalsDir(runDir: string): string {
  return join(runDir, 'approvals');
}

const requestFile = (runDir: string, stage: string) => join(approvalsDir(runDir), `${stage}.request.json`);
const decisionFile = (runDir: string, stage: string) => join(approvalsDir(runDir), `${stage}.decision.json`);

export function writeApprovalRequest(runDir: string, request: ApprovalRequest): void {
  mkdirSync(approvalsDir(runDir), { recursive: true });
  const file = requestFile(runDir, request.stage);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(request, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Every approval request of a run with its decision, if any, oldest first. */
export function approvalsOf(runDir: string): { request: ApprovalRequest; decision?: ApprovalDecision }[] {
  const dir = approvalsDir(runDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.request.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ApprovalRequest)
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt))
    .map((request) => ({ request, decision: readDecision(runDir, request.stage) }));
}

export function readDecision(runDir: string, stage: string): ApprovalDecision | undefined {
  const file = decisionFile(runDir, stage);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ApprovalDecision;
  } catch {
    return undefined; // being written: the next poll reads it
  }
}

/** Records a decision; false when one was already there (the first decision stands). */
export function writeDecision(runDir: string, stage: string, decision: ApprovalDecision): boolean {
  mkdirSync(approvalsDir(runDir), { recursive: true });
  const target = decisionFile(runDir, stage);
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(decision, null, 2)}\n`);
  try {
    // A hard link fails when the target exists: an atomic "create if absent" of a complete file.
    linkSync(tmp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}

/** Polls for the decision until it arrives or the run is aborted. */
export async function waitForDecision(runDir: string, stage: string, signal: AbortSignal, pollMs = 250): Promise<ApprovalDecision> {
  for (;;) {
    const decision = readDecision(runDir, stage);
    if (decision) return decision;
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('the run was stopped while waiting for a decision');
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
