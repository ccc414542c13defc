/**
 * One run of the app generator, free of Yeoman: asks what the pipeline model needs (or takes it from
 * flags and an answers file), then writes the project through `.projenrc.ts` and in-process projen
 * synthesis. `yo legacy-mlops` runs it inside a Yeoman generator; `create-legacy-mlops` runs it
 * directly when nothing can be asked (--yes, or no terminal), which spares loading yeoman-environment.
 */
import * as path from 'node:path';
import { lookupAccount } from '../../src/create/aws-account.js';
import { collectGiven, type GivenAnswers } from '../../src/create/answers.js';
import { CreateError, describeOrigin, invalidAnswer, type AnswerOrigin, type Given } from '../../src/create/errors.js';
import { stageFieldOf } from '../../src/create/field-checks.js';
import { DEFAULT_PRESET, readFlags, type CreateFlags, type PresetName } from '../../src/create/flags.js';
import { planImport, type ImportPlan } from '../../src/create/legacy-import.js';
import { reportLines } from '../../src/create/migration-report.js';
import { seconds } from '../../src/create/progress.js';
import type { ProjectDefinition } from '../../src/create/projenrc.js';
import { scaffold, type ScaffoldResult } from '../../src/create/scaffold.js';
import { newStage } from '../../src/create/stage-catalog.js';
import { deriveChannels, withEntryScripts } from '../../src/create/stage-channels.js';
import { checkTarget } from '../../src/create/target-dir.js';
import { PLACEHOLDER_ACCOUNT } from '../../src/docs/readme.js';
import { STAGE_PRESETS } from '../../src/model/defaults.js';
import { validatePipeline } from '../../src/model/resolve.js';
import type { PipelineOptions, StageOptions } from '../../src/model/types.js';
import { shellQuote } from '../../src/create/shell-quote.js';
import { fanOutOption } from '../../src/create/fan-out-answers.js';
import { Conversation, type PromptFn } from './conversation.js';
import { FAN_OUT_QUESTIONS } from './fan-out-questions.js';
import { TUNE_TRAINING_QUESTION, TUNING_QUESTIONS, tunedStage, type TuningContext } from './tuning-questions.js';
import { APPROVER_EMAIL_QUESTION } from './governance-questions.js';
import { approvalStageOf, notificationsOption } from '../../src/create/governance-answers.js';
import {
  CONFIRM_PATHS_QUESTION,
  CUSTOM_STAGES,
  PROJECT_QUESTIONS,
  STAGE_IMAGE_QUESTIONS,
  STAGE_SETTING_QUESTIONS,
  TUNE_QUESTION,
  applyImageAnswers,
  settingApplies,
  type FromAnswer,
  type StageSettingField,
  type ProjectContext,
} from './prompts.js';

export const NEXT_COMMANDS = [
  { command: 'npx projen local', why: 'run the pipeline on this machine, no AWS account needed' },
  { command: 'npx projen validate', why: 'check the state machine, IAM policies and inputs offline' },
  { command: 'npx projen deploy', why: 'deploy the pipeline to your AWS account with the CDK' },
];

/** The generator's options: the flags of CREATE_FLAGS (kebab-case from the command line, camelCase when set in code). */
export type AppOptions = {
  directory?: string;
  name?: string;
  region?: string;
  account?: string;
  bucket?: string;
  'existing-bucket'?: boolean;
  stages?: string;
  preset?: string;
  'instance-type'?: string;
  'volume-size'?: string;
  'max-runtime'?: string;
  from?: string;
  'fan-out'?: boolean;
  'fan-out-items'?: string;
  'fan-out-concurrency'?: string;
  'fan-out-tolerated-failure'?: string;
  'approver-email'?: string;
  tuning?: boolean;
  range?: string[];
  'objective-metric'?: string;
  objective?: string;
  strategy?: string;
  'max-jobs'?: string;
  'max-parallel-jobs'?: string;
  answers?: string;
  yes?: boolean;
  'skip-install'?: boolean;
  git?: boolean;
  force?: boolean;
  'package-spec'?: string;
  packageSpec?: string;
  interactive?: boolean;
};

/** What a session needs from its host: the parsed options, the folder it runs in, a prompt and a log. */
export interface SessionHost {
  readonly options: AppOptions & Record<string, unknown>;
  readonly contextRoot: string;
  readonly prompt: PromptFn;
  readonly log: (line: string) => void;
  /** false: end with the Created line only (the demo runs the pipeline itself, so the next steps would mislead). */
  readonly nextSteps?: boolean;
}

export class CreateSession {
  flags!: CreateFlags;
  target!: string;
  given!: GivenAnswers;
  conversation!: Conversation;
  /** The project as it will be written (set by the end of prompting). */
  definition?: ProjectDefinition;
  imports?: ImportPlan;
  /** Said during the run; kept so tests and the bin can read them. */
  readonly notes: string[] = [];
  result?: ScaffoldResult;

  private readonly options: AppOptions & Record<string, unknown>;
  private readonly contextRoot: string;
  private readonly prompt: PromptFn;
  private readonly log: (line: string) => void;
  private readonly nextSteps: boolean;

  constructor(host: SessionHost) {
    this.options = host.options;
    this.contextRoot = host.contextRoot;
    this.prompt = host.prompt;
    this.log = host.log;
    this.nextSteps = host.nextSteps ?? true;
  }

  /** All phases in Yeoman's order. */
  async run(): Promise<void> {
    this.initializing();
    await this.prompting();
    await this.writing();
    this.end();
  }

  initializing(): void {
    this.flags = readFlags(this.options);
    this.target = path.resolve(this.contextRoot, this.flags.directory ?? '.');
    // Never wait on a prompt without a terminal (CI), nor under --yes.
    const interactive = !this.flags.yes && (this.flags.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY));
    this.conversation = new Conversation({ interactive, yes: this.flags.yes, prompt: this.prompt });
    // Everything given is checked before the first question, and the target before anything is asked.
    this.given = collectGiven(this.flags, this.contextRoot);
    checkTarget(this.target, this.flags.force);
  }

  async prompting(): Promise<void> {
    const ctx: ProjectContext = { directoryName: path.basename(this.target), cwd: this.contextRoot, env: process.env, interactive: this.conversation.interactive, draft: {} };
    const given = this.given as Record<string, { value: unknown; origin: AnswerOrigin } | undefined>;
    for (const question of PROJECT_QUESTIONS) {
      if (question.name === 'account' && !this.given.account) await this.detectAccount(ctx);
      if ((question.name === 'preset' || question.name === 'stageNames' || question.name === 'customStages') && this.given.stages) {
        ctx.draft.stages = this.given.stages.value;
        continue;
      }
      ctx.draft[question.name] = await this.conversation.ask(question, ctx, given[question.name]);
    }

    const preset = (ctx.draft.preset ?? DEFAULT_PRESET) as PresetName;
    // The classic layout is picked stage by stage at the checkbox; another preset is taken whole.
    const askedStages = !this.given.stages && preset === DEFAULT_PRESET;
    let stages = this.given.stages?.value ?? (preset !== DEFAULT_PRESET ? structuredClone([...STAGE_PRESETS[preset]]) as StageOptions[] : [
      ...(ctx.draft.stageNames as string[]).filter((s) => s !== CUSTOM_STAGES).map((name) => newStage(name)),
      ...((ctx.draft.customStages as string[] | undefined) ?? []).map((name) => newStage(name)),
    ]);
    const region = String(ctx.draft.region);
    // Flags that set every stage set the stages whose kind takes them.
    const everyStage = { instanceType: this.given.instanceType, volumeSizeGb: this.given.volumeSizeGb, maxRuntimeSeconds: this.given.maxRuntimeSeconds };
    stages = stages.map((s) => {
      const set = Object.entries(everyStage).filter(([field, given]) => given && s[field as StageSettingField] === undefined && settingApplies(field as StageSettingField, s));
      return { ...s, ...Object.fromEntries(set.map(([field, given]) => [field, given!.value])) };
    });
    if (this.conversation.interactive && askedStages) stages = await this.askStageImages(stages, region);

    const from = ctx.draft.from as FromAnswer;
    if (from) stages = await this.importScripts(from, stages, region);
    if (this.conversation.interactive) stages = await this.askStageSettings(stages, region);
    stages = await this.askTuning(stages, region);
    for (const question of FAN_OUT_QUESTIONS) ctx.draft[question.name] = await this.conversation.ask(question, ctx, given[question.name]);
    const fanOut = fanOutOption(ctx.draft);
    // An approval stage asks a person through the notifications topic: who (given without one, failures go there).
    const approval = approvalStageOf(stages);
    const approverEmail = approval ? await this.conversation.ask(APPROVER_EMAIL_QUESTION, { approval }, this.given.approverEmail) : this.given.approverEmail?.value;
    const notifications = notificationsOption(approverEmail);

    const pipeline: PipelineOptions = {
      name: String(ctx.draft.name),
      region,
      account: String(ctx.draft.account),
      ...(ctx.draft.bucket !== undefined ? { bucket: String(ctx.draft.bucket) } : {}),
      ...(ctx.draft.bucket !== undefined && ctx.draft.existingBucket === true ? { existingBucket: true } : {}),
      stages,
      ...(fanOut ? { fanOut } : {}),
      ...(notifications ? { notifications } : {}),
    };
    this.checkPipeline(pipeline);
    this.definition = { pipeline, ...(this.flags.packageSpec ? { legacyMlopsVersion: this.flags.packageSpec } : {}) };
  }

  async writing(): Promise<void> {
    if (!this.definition) throw new CreateError('internal: nothing to write');
    this.result = await scaffold({
      target: this.target,
      force: this.flags.force,
      definition: this.definition,
      imports: this.imports,
      install: !this.flags.skipInstall,
      git: this.flags.git,
    });
    for (const note of this.result.notes) this.say(note);
  }

  end(): void {
    if (!this.result || !this.definition) return;
    const relative = path.relative(this.contextRoot, this.target);
    const where = relative === '' ? '.' : relative.startsWith('..') ? this.target : relative;
    if (!this.nextSteps) {
      this.log(`\nCreated ${this.definition.pipeline.name} in ${shellQuote(where)} (files in ${seconds(this.result.filesMs)}).`);
      return;
    }
    const install = this.result.installMs === undefined ? 'dependencies not installed' : `npm install ${seconds(this.result.installMs)}`;
    this.log(`\nCreated ${this.definition.pipeline.name} in ${shellQuote(where)} (files in ${seconds(this.result.filesMs)}, ${install}).`);
    this.log('Next:');
    if (where !== '.') this.log(`  cd ${shellQuote(where)}`);
    if (this.result.installMs === undefined) this.log('  npm install');
    for (const next of NEXT_COMMANDS) this.log(`  ${next.command.padEnd(22)} # ${next.why}`);
  }

  private say(line: string): void {
    this.notes.push(line);
    this.log(line);
  }

  private async detectAccount(ctx: ProjectContext): Promise<void> {
    const region = String(ctx.draft.region ?? 'us-east-1');
    ctx.account = await lookupAccount(region);
    if ('reason' in ctx.account) {
      // Without a terminal and without --yes, the missing-answer error says it all.
      if (!this.conversation.interactive && !this.flags.yes) return;
      const then = this.conversation.interactive ? 'enter it below' : `using the placeholder ${PLACEHOLDER_ACCOUNT}: put your account id in .projenrc.ts before deploying (the README says how)`;
      this.say(`Could not read your AWS account id (${ctx.account.reason}); ${then}.`);
    }
  }

  /** Mode and image of each stage chosen at the prompt. */
  private async askStageImages(stages: StageOptions[], region: string): Promise<StageOptions[]> {
    const result: StageOptions[] = [];
    for (const stage of stages) {
      const draft: Record<string, unknown> = {};
      for (const question of STAGE_IMAGE_QUESTIONS) draft[question.name] = await this.conversation.ask(question, { stage, region, draft }, undefined, `${stage.name}:`);
      result.push(applyImageAnswers(stage, draft));
    }
    return result;
  }

  /** Entry script, instance type, volume and runtime, only when the user asks to change them. */
  private async askStageSettings(stages: StageOptions[], region: string): Promise<StageOptions[]> {
    const open = STAGE_SETTING_QUESTIONS.filter((q) => !(this.given as Record<string, unknown>)[q.field]);
    if (open.length === 0 || !(await this.conversation.ask(TUNE_QUESTION, { stageCount: stages.length }))) return stages;
    const result: StageOptions[] = [];
    for (const stage of stages) {
      let tuned = stage;
      for (const question of open.filter((q) => settingApplies(q.field, stage))) {
        const value = await this.conversation.ask(question, { stage: tuned, region, draft: {} }, undefined, `${stage.name}:`);
        tuned = { ...tuned, [question.field]: value };
      }
      result.push(tuned);
    }
    return result;
  }

  /** The preset's training stage as a tuning job, when asked for (`--tuning`, a tuning flag, or yes at the prompt). */
  private async askTuning(stages: StageOptions[], region: string): Promise<StageOptions[]> {
    const given = this.given as Record<string, Given<unknown> | undefined>;
    const index = stages.findIndex((s) => s.kind === 'training');
    if (index < 0) {
      if (this.given.tuning?.value === true) throw invalidAnswer(this.given.tuning.origin, 'there is no training stage to tune (--preset lifecycle and --preset governed have one)');
      return stages;
    }
    const draft: Record<string, unknown> = {};
    const ctx: TuningContext = { stage: stages[index], draft, region };
    if ((await this.conversation.ask(TUNE_TRAINING_QUESTION, ctx, this.given.tuning)) !== true) return stages;
    for (const question of TUNING_QUESTIONS) {
      const answer = given[question.name];
      // A flag is checked like a prompt answer, even where its question is not asked (--max-jobs with Grid).
      const problem = answer && question.validate?.(answer.value, ctx);
      if (problem) throw invalidAnswer(answer.origin, problem);
      draft[question.name] = await this.conversation.ask(question, ctx, answer);
    }
    const tuned = tunedStage(ctx);
    if ('problem' in tuned) throw new CreateError(`Invalid ${tuned.flag}: ${tuned.problem}`);
    return stages.map((s, i) => (i === index ? tuned.stage : s));
  }

  /** `--from`: which scripts go where, and the folders their paths call for (confirmed when interactive). */
  private async importScripts(from: NonNullable<FromAnswer>, stages: StageOptions[], region: string): Promise<StageOptions[]> {
    const origin = this.given.from ? describeOrigin(this.given.from.origin) : '--from';
    const plan = planImport(from, stages.map((s) => s.name), origin, this.given.account?.value);
    this.imports = plan;
    for (const note of plan.notes) this.say(`Note: ${note}`);
    const repository = plan.repository;
    if (repository?.stages) {
      if (this.given.stages) this.say(`Note: the stages come from the legacy state machine; ${describeOrigin(this.given.stages.origin)} is not used`);
      stages = repository.stages;
    } else if (repository?.overrides) {
      stages = stages.map((s) => ({ ...s, ...repository.overrides?.find((o) => o.name === s.name) }));
    }
    if (repository) {
      this.log('Migration report (also written to MIGRATION.md):');
      for (const line of reportLines(repository.report)) this.log(`  ${line}`);
    }
    const channels = deriveChannels(stages, plan, region);
    if (channels.summary.length > 0) {
      this.log('Imported scripts and the folders they use:');
      for (const line of channels.summary) this.log(`  ${line}`);
    }
    for (const warning of channels.warnings) this.say(`Warning: ${warning}`);
    const accepted = await this.conversation.ask(CONFIRM_PATHS_QUESTION, undefined);
    return accepted === false ? withEntryScripts(stages, plan) : channels.stages;
  }

  /** The whole model, once: every problem named with the flag or file entry that caused it. */
  private checkPipeline(pipeline: PipelineOptions): void {
    const problems = validatePipeline(pipeline);
    if (problems.length === 0) return;
    const originOf = (problemPath: string): string => {
      const at = stageFieldOf({ path: problemPath, message: '' });
      const key = at ? 'stages' : problemPath.split(/[.[]/)[0];
      const given = (this.given as Record<string, { origin: AnswerOrigin } | undefined>)[key];
      return given ? describeOrigin(given.origin) : `--${key}`;
    };
    const lines = problems.map((p) => `${originOf(p.path)}: ${p.path}: ${p.message}`);
    throw new CreateError(lines.length === 1 ? `Invalid ${lines[0]}` : `Invalid answers (${lines.length} problems):\n  ${lines.join('\n  ')}`);
  }
}
