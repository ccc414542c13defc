/**
 * The governance kinds of one stage: `register` (a version in a SageMaker Model Registry group) and
 * `approval` (the execution waits for a person). Pure; problems are reported, never thrown.
 */
import type { ReportStageProblem } from './errors.js';
import { APPROVAL_TIMEOUT_RANGE, DEFAULT_APPROVAL_TIMEOUT_SECONDS, MODEL_PACKAGE_GROUP_PATTERN } from './rules.js';
import type { ResolvedApproval, ResolvedImage, ResolvedRegistry, ResolvedStage, StageOptions } from './types.js';

/** An approval stage runs no image; derivations never read this one. */
export const NO_IMAGE: ResolvedImage = { source: 'uri', imageUri: '', repositoryArn: '' };

export function resolveRegistry(s: StageOptions, earlier: readonly ResolvedStage[], project: string, fail: ReportStageProblem): ResolvedRegistry {
  const options = s.registry ?? {};
  if (typeof options !== 'object' || options === null) {
    fail('registry', `${JSON.stringify(options)} must be an object: { group?: '<model package group>', autoApprove?: true }`);
    return { group: project, autoApprove: false, existingGroup: false };
  }
  const group = options.group ?? project;
  if (typeof group !== 'string' || !MODEL_PACKAGE_GROUP_PATTERN.test(group)) {
    fail('registry.group', `'${String(group)}' is not a model package group name: letters, digits and hyphens, starting with a letter or digit, at most 63 characters`);
  }
  const autoApprove = options.autoApprove ?? false;
  if (typeof autoApprove !== 'boolean') fail('registry.autoApprove', `${JSON.stringify(autoApprove)} must be true or false`);
  const existingGroup = options.existingGroup ?? false;
  if (typeof existingGroup !== 'boolean') fail('registry.existingGroup', `${JSON.stringify(existingGroup)} must be true or false`);
  const sameGroup = earlier.find((e) => e.registry?.group === group && e.registry.existingGroup !== (existingGroup === true));
  if (sameGroup) {
    fail('registry.existingGroup', `stage '${sameGroup.name}' registers in group '${String(group)}' too, but says ${sameGroup.registry!.existingGroup ? '' : 'not '}existingGroup: the group either exists already or the app creates it; say the same in both`);
  }
  const evaluation = [...earlier].reverse().find((e) => e.kind === 'evaluation');
  if (autoApprove === true && !evaluation) {
    fail('registry.autoApprove', 'autoApprove approves a version because the metric gate passed: add an evaluation stage before this one, or remove autoApprove');
  }
  if (evaluation?.skippable) {
    // A skipped evaluation writes no report, and its gate would not have judged the model.
    fail('registry', `the evaluation stage '${evaluation.name}' whose report this version carries is skippable; make it not skippable, or register before it`);
  }
  return { group: String(group), autoApprove: autoApprove === true, existingGroup: existingGroup === true, ...(evaluation ? { evaluationStage: evaluation.name } : {}) };
}

export function resolveApproval(s: StageOptions, earlier: readonly ResolvedStage[], fail: ReportStageProblem): ResolvedApproval {
  const options = s.approval ?? {};
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS;
  const [min, max] = APPROVAL_TIMEOUT_RANGE;
  if (typeof timeoutSeconds !== 'number' || !Number.isInteger(timeoutSeconds) || timeoutSeconds < min || timeoutSeconds > max) {
    fail('approval.timeoutSeconds', `${JSON.stringify(timeoutSeconds)} must be a whole number of seconds from ${min} to ${max} (30 days)`);
  }
  const register = [...earlier].reverse().find((e) => e.kind === 'register');
  if (register?.skippable) fail(undefined, `the register stage '${register.name}' whose version this approval decides is skippable; make it not skippable`);
  return { timeoutSeconds, ...(register ? { registerStage: register.name } : {}) };
}
