/**
 * The governed lifecycle the governance tests build on (asl, iam, docs, construct, local): the
 * lifecycle preset with no stage skippable (a register or approval stage needs an evaluation that
 * always runs before it), register and approve between the model stage and the transform, and the
 * notifications address an approval asks through. Plain data, so a test that never deploys does not
 * load the CDK with it.
 */
import { LIFECYCLE_STAGES, type StageOptions } from '../../src/model/index.js';

/** The lifecycle preset's stages, none skippable. */
export const FIXED_LIFECYCLE: readonly StageOptions[] = LIFECYCLE_STAGES.map((s) => ({ ...s, skippable: false }));

type StageExtras = Omit<Partial<StageOptions>, 'name' | 'kind'>;

/** preprocess, train, evaluate, model, register, approve, transform; `register` and `approval` add to those two stages. */
export function governedStages(extras: { register?: StageExtras; approval?: StageExtras } = {}): StageOptions[] {
  return [...FIXED_LIFECYCLE.slice(0, 4), { name: 'register', kind: 'register', ...extras.register }, { name: 'approve', kind: 'approval', ...extras.approval }, FIXED_LIFECYCLE[4]];
}

/** The approvers' address of the governed fixtures. */
export const TEAM_NOTIFICATIONS = { email: 'ml-team@example.com' } as const;

/** A governed pipeline's options (with a name, region and account of the test's own). */
export const GOVERNED_PIPELINE = { notifications: TEAM_NOTIFICATIONS, stages: governedStages() };
