/**
 * The `iam-policies` check of `validate`: the documents under `pipeline/iam/` against the state machine on disk.
 * The thorough, independent check (an IAM policy validator and simulator) runs in this package's tests; those
 * tools are AGPL and cannot ship, so this runtime check is hand-written and deliberately small:
 * drift from what the ASL needs, wildcard actions, PassRole without its service condition, and that every
 * call each Task makes is matched by an Allow statement (action, resource glob and condition keys).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateMachineDefinition } from '../asl/types.js';
import { PIPELINE_MODEL_FILE, readPipelineModel } from '../construct/pipeline-model.js';
import { buildIamDocuments } from '../iam/documents.js';
import { requiredCalls } from '../iam/required-calls.js';
import type { ApiCall } from '../iam/types.js';
import { PIPELINE_FILES } from '../model/repo-layout.js';
import type { Finding } from './types.js';

const CHECK = 'iam-policies';
const DOCUMENTS = {
  stateMachineRolePolicy: PIPELINE_FILES.stateMachineRolePolicy,
  stateMachineRoleTrust: PIPELINE_FILES.stateMachineRoleTrust,
  sageMakerExecutionRolePolicy: PIPELINE_FILES.sageMakerExecutionRolePolicy,
  sageMakerExecutionRoleTrust: PIPELINE_FILES.sageMakerExecutionRoleTrust,
} as const;

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's `*` and `?` wildcards, case-sensitive as in resource ARNs (actions are compared lower-cased). */
function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

function conditionHolds(condition: Statement['Condition'], context: Readonly<Record<string, string>> = {}): boolean {
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      const actual = context[key];
      if (actual === undefined) return false;
      const like = operator.endsWith('Like');
      if (!list(expected).some((e) => (like ? globMatches(e, actual) : e === actual))) return false;
    }
  }
  return true;
}

function allows(statements: Statement[], call: ApiCall): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      list(s.Action).some((a) => globMatches(a.toLowerCase(), call.action.toLowerCase())) &&
      list(s.Resource).some((r) => globMatches(r, call.resource)) &&
      conditionHolds(s.Condition, call.context),
  );
}

export async function checkIamDocuments(projectDir: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (location: string, message: string) => findings.push({ check: CHECK, location, message });
  const onDisk: Record<string, { Statement?: Statement[] }> = {};
  for (const [key, file] of Object.entries(DOCUMENTS)) {
    try {
      onDisk[key] = JSON.parse(await readFile(join(projectDir, file), 'utf8'));
    } catch (error) {
      add(file, `cannot read it (${error instanceof Error ? error.message : String(error)}); run 'npx projen'`);
    }
  }
  if (findings.length > 0) return findings;

  for (const [key, doc] of Object.entries(onDisk)) {
    const file = DOCUMENTS[key as keyof typeof DOCUMENTS];
    (doc.Statement ?? []).forEach((s, i) => {
      for (const action of list(s.Action)) if (action.includes('*')) add(`${file} Statement[${i}]`, `action '${action}' is a wildcard; name the actions`);
      if (list(s.Action).some((a) => a.toLowerCase() === 'iam:passrole') && !s.Condition?.StringEquals?.['iam:PassedToService']) {
        add(`${file} Statement[${i}]`, 'iam:PassRole without a StringEquals iam:PassedToService condition');
      }
    });
  }

  let definition: StateMachineDefinition;
  try {
    definition = JSON.parse(await readFile(join(projectDir, PIPELINE_FILES.stateMachine), 'utf8')) as StateMachineDefinition;
  } catch (error) {
    // The artifacts check names the file's problem; the policies cannot be compared without it.
    add(PIPELINE_FILES.stateMachine, `cannot be read, so the policies cannot be checked against it (${error instanceof Error ? error.message : String(error)})`);
    return findings;
  }
  let pipeline;
  try {
    pipeline = readPipelineModel(projectDir).environments[0].pipeline;
  } catch (error) {
    add(PIPELINE_MODEL_FILE, error instanceof Error ? error.message : String(error));
    return findings;
  }

  let expected: Record<string, unknown>;
  let calls: ReturnType<typeof requiredCalls>;
  try {
    expected = buildIamDocuments(definition, pipeline) as unknown as Record<string, unknown>;
    calls = requiredCalls(definition, pipeline);
  } catch (error) {
    add(PIPELINE_FILES.stateMachine, `the IAM needs of this state machine cannot be derived: ${error instanceof Error ? error.message : String(error)}`);
    return findings;
  }
  for (const [key, file] of Object.entries(DOCUMENTS)) {
    if (JSON.stringify(expected[key]) !== JSON.stringify(onDisk[key])) {
      add(file, "differs from what the state machine needs (edited by hand, or stale): run 'npx projen' to regenerate it");
    }
  }

  const statementsOf = { stateMachine: onDisk.stateMachineRolePolicy.Statement ?? [], sageMakerExecution: onDisk.sageMakerExecutionRolePolicy.Statement ?? [] };
  for (const call of calls) {
    if (!allows(statementsOf[call.role], call)) {
      const file = call.role === 'stateMachine' ? PIPELINE_FILES.stateMachineRolePolicy : PIPELINE_FILES.sageMakerExecutionRolePolicy;
      add(file, `does not allow ${call.action} on ${call.resource}, which state '${call.state}' needs`);
    }
  }
  return findings;
}
