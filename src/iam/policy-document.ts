/** Merges permissions into an identity policy: one statement per Sid, resources and condition values unioned. */
import type { ConditionBlock, Permission, PermissionCondition, PolicyDocument, PolicyStatement } from './types.js';

const SID_PATTERN = /^[A-Za-z0-9]+$/;

interface Draft {
  actions: readonly string[];
  resources: string[];
  condition?: { operator: string; key: string; values: string[] };
}

export function policyDocument(permissions: readonly Permission[], what: string): PolicyDocument {
  if (permissions.length === 0) throw new Error(`${what}: no permissions to write; an IAM policy needs at least one statement`);
  const drafts = new Map<string, Draft>();
  for (const p of permissions) {
    checkPermission(p, what);
    const draft = drafts.get(p.sid);
    if (!draft) {
      drafts.set(p.sid, { actions: p.actions, resources: [...p.resources], condition: p.condition && { ...p.condition, values: [...p.condition.values] } });
      continue;
    }
    // Merging is only safe when it cannot grant an action or a condition value to a resource it was not meant for.
    if (!sameList(draft.actions, p.actions)) throw new Error(`${what}: Sid ${p.sid} is used for different action sets`);
    if (!sameCondition(draft.condition, p.condition)) throw new Error(`${what}: Sid ${p.sid} is used with different condition keys`);
    if (p.condition && !sameList(draft.resources, p.resources)) throw new Error(`${what}: Sid ${p.sid} carries a condition and would merge different resources`);
    addUnique(draft.resources, p.resources);
    if (draft.condition && p.condition) addUnique(draft.condition.values, p.condition.values);
  }
  return { Version: '2012-10-17', Statement: [...drafts.entries()].map(([sid, d]) => statement(sid, d)) };
}

function checkPermission(p: Permission, what: string): void {
  if (!SID_PATTERN.test(p.sid)) throw new Error(`${what}: Sid '${p.sid}' must be letters and digits only`);
  for (const action of p.actions) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) throw new Error(`${what}: action '${action}' must be one explicit service:Action (no wildcards)`);
  }
  if (p.actions.length === 0 || p.resources.length === 0) throw new Error(`${what}: Sid ${p.sid} needs actions and resources`);
}

function statement(sid: string, d: Draft): PolicyStatement {
  const base = { Sid: sid, Effect: 'Allow' as const, Action: [...d.actions], Resource: d.resources };
  if (!d.condition) return base;
  const { operator, key, values } = d.condition;
  const condition: ConditionBlock = { [operator]: { [key]: values.length === 1 ? values[0] : values } };
  return { ...base, Condition: condition };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameCondition(a: Draft['condition'], b: PermissionCondition | undefined): boolean {
  return (!a && !b) || (!!a && !!b && a.operator === b.operator && a.key === b.key);
}

function addUnique(target: string[], values: readonly string[]): void {
  for (const v of values) if (!target.includes(v)) target.push(v);
}
