/**
 * `yo legacy-mlops:stage [name]`: adds a stage to the generated repo it runs in (or below). Asks what
 * the stage is, or takes it from options; checks the whole pipeline with the model; edits the
 * `stages` literal of `.projenrc.ts` through its syntax tree; then runs `npx projen` so the state
 * machine, policies, input, schema, README and the stage's starter code follow. Every refusal comes
 * before the first write, so a refused run leaves the repo as it was.
 */
// First: the compile cache must be on before the CommonJS dependencies below are compiled.
import './compile-cache.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Generator, { type BaseFeatures, type BaseOptions } from 'yeoman-generator';
import { CreateError, invalidAnswer } from '../../src/create/errors.js';
import { stageFieldOf } from '../../src/create/field-checks.js';
import { seconds } from '../../src/create/progress.js';
import type { ModelProblem } from '../../src/model/errors.js';
import { defaultEntryScript } from '../../src/model/defaults.js';
import { validatePipeline } from '../../src/model/resolve.js';
import { projectOptionShape } from '../../src/project/projen-option-keys.js';
import type { StageOptions } from '../../src/model/types.js';
import { readStageNames } from '../../src/edit/projenrc-stages.js';
import { readDeclaredOptions, type DeclaredOptions } from '../../src/edit/projenrc-options.js';
import { assertWritable, fileSystemError, readText, writeProjenrc } from '../../src/edit/projenrc-file.js';
import { findGeneratedRepo, type GeneratedRepo } from '../../src/edit/repo-root.js';
import { projenUnavailable, runProjen } from '../../src/edit/run-projen.js';
import { declaredStages, insertionIndex, planAddition, withStageAt, type AdditionPlan } from '../../src/edit/stage-addition.js';
import { conflictingCopies, copyImport, migrationReportProblem, planStageImport, recordMigration, type StageImportPlan } from '../../src/edit/stage-import.js';
import { MIGRATION_FILE, reportLines } from '../../src/create/migration-report.js';
import { Conversation } from '../app/conversation.js';
import { withoutTaskFailureLine } from '../app/task-failure-line.js';
import { CONFIRM_PATHS_QUESTION, applyImageAnswers } from '../app/prompts.js';
import { yeomanOption } from '../../src/create/command-line.js';
import { optionsOf } from '../../src/create/option-table.js';
import { parseStageArguments, readGiven, readSwitches, unknownOptions, type GivenAnswer, type StageSwitches } from './options.js';
import { tunedStage } from '../app/tuning-questions.js';
import { STAGE_TUNING_QUESTIONS } from './kind-questions.js';
import { ADD_STAGE_QUESTIONS, draftStage, kindTakes, supportedKinds, type AddStageContext, type AddStageQuestion } from './prompts.js';

/** The rows of the option table that set a stage field (`gate`: --metric, --threshold, …), from their `sets`. */
const rowsSetting = (field: string) => optionsOf('stage').filter((o) => o.question && o.sets !== undefined && new RegExp(`^stages\\[\\]\\.${field}(\\.|\\[|$)`).test(o.sets));

/** The questions a training stage turned into a tuning stage is asked (name and kind are answered by then). */
const TUNING_QUESTION_NAMES = new Set(STAGE_TUNING_QUESTIONS.map((q) => q.name));

/** `error` as a CreateError (one line, no errno code) unless it already is one. */
function asOneLine(error: unknown): unknown {
  const converted = fileSystemError(error, 'use');
  if (converted instanceof CreateError) return converted;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (error instanceof Error && code !== undefined && typeof code !== 'number') return new CreateError(error.message.split('\n')[0]);
  return error;
}

/** The folders from `file`'s parent up to (not including) `top`. */
function ancestorsIn(top: string, file: string): string[] {
  const out: string[] = [];
  for (let dir = path.dirname(file); dir.startsWith(`${top}${path.sep}`); dir = path.dirname(dir)) out.push(dir);
  return out;
}

export type StageGeneratorOptions = BaseOptions & Record<string, unknown>;

export default class StageGenerator extends Generator<Record<string, unknown>, StageGeneratorOptions> {
  switches!: StageSwitches;
  given!: Map<string, GivenAnswer>;
  repo!: GeneratedRepo;
  current!: DeclaredOptions;
  conversation!: Conversation;
  /** The stage as it will be declared, and where. */
  stage?: StageOptions;
  after?: string;
  /** The declared training stage this run turns into a tuning stage, when it does. */
  tunes?: string;
  /** Who an approval stage e-mails (`notifications.email`), when answered. */
  approverEmail?: string;
  imported?: StageImportPlan;
  plan?: AdditionPlan;
  /** Said during the run; kept so tests can read them. */
  readonly notes: string[] = [];
  /** What was written (repo-relative), and how synthesis went. */
  readonly written: string[] = [];
  /** MIGRATION.md, written or appended to by a repository import. */
  migration?: { file: string; appended: boolean };
  synthesized?: 'npx projen' | 'in-process';
  /** How `npx projen`'s work ran: its `.projenrc.ts` loaded in this process, or the repo's projen bin. */
  projenRan?: 'in-process' | 'bin';
  /** Why the command line cannot be read (thrown as the first task, so yo reports it as one line). */
  private argumentProblem?: unknown;
  /** Folders under stages/ that existed before an import copied into them (kept on rollback). */
  private foldersBefore?: Set<string>;

  constructor(args?: string[], options?: StageGeneratorOptions, features?: BaseFeatures) {
    super(args, options, { ...features, customInstallTask: true });
    (this as unknown as { log: Generator['log'] }).log = withoutTaskFailureLine(this.log);
    // Every task's error as one line: a file-system error names its file, and no error reaches yo with
    // a string `code` (yo exits with it, and Node throws a TypeError stack on a non-numeric exit code).
    // An instance property, not a method: yeoman would queue a public method as a task of its own.
    const execute = this.executeTask.bind(this);
    this.executeTask = async (...args: Parameters<Generator['executeTask']>) => {
      try {
        await execute(...args);
      } catch (error) {
        throw asOneLine(error);
      }
    };
    this.argument('name', { type: String, required: false, description: 'the new stage name (lowercase letters, digits, hyphens)' });
    for (const option of optionsOf('stage')) this.option(option.name, yeomanOption(option, 'stage') as never);
    // The command line the generator was given (yeoman-test's arguments, `env.run`'s) is read by the option
    // table, as create reads its own: minimist would take `--max-runtime -5` as two flags and lose the value.
    // yo itself hands its parsed options over as options, which stay as they are.
    const raw = (this as unknown as { _args: string[] })._args;
    if (raw.some((a) => a.startsWith('-'))) {
      try {
        const parsed = parseStageArguments(raw);
        const { _: _positional, ...rest } = this.options as Record<string, unknown>;
        const runner = Object.fromEntries(Object.entries(rest).filter(([key]) => key in (this as unknown as { _initOptions: object })._initOptions));
        (this as unknown as { options: StageGeneratorOptions }).options = { ...runner, ...parsed.options, ...(parsed.name !== undefined ? { name: parsed.name } : {}) } as StageGeneratorOptions;
      } catch (error) {
        this.argumentProblem = error;
      }
    }
  }

  initializing(): void {
    if (this.argumentProblem) throw this.argumentProblem;
    const declared = this as unknown as { _options: Record<string, unknown>; _arguments: { name: string }[] };
    const names = Object.values(declared._options as Record<string, { name: string; alias?: string }>).flatMap((o) => [o.name, ...(o.alias ? [o.alias] : [])]);
    const unknown = unknownOptions(this.options, names, declared._arguments.map((a) => a.name));
    if (unknown.length > 0) throw new CreateError(`Unknown option${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}: \`yo legacy-mlops:stage --help\` lists the options`);
    this.switches = readSwitches(this.options);
    this.given = readGiven(this.options);
    const interactive = !this.switches.yes && (this.switches.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY));
    this.conversation = new Conversation({ interactive, yes: this.switches.yes, prompt: (questions) => this.prompt(questions as never) as Promise<Record<string, unknown>> });

    this.repo = findGeneratedRepo(this.contextRoot);
    // Known before any question: an edit that cannot be written is refused now, not after the answers.
    const synthesizes = !this.switches.skipSynth;
    assertWritable({ projenrc: this.repo.projenrc, folders: [...(synthesizes ? [this.repo.root] : []), ...(this.given.has('from') ? [path.join(this.repo.root, 'stages')] : [])] });
    const read = readDeclaredOptions(this.repo.source, this.repo.projenrc);
    if (!read.ok) throw new CreateError(`cannot read the pipeline of ${this.repo.projenrc}: ${read.reason}`);
    this.current = read.options;
    const problems = validatePipeline(this.current, projectOptionShape());
    if (problems.length > 0) {
      throw new CreateError(`.projenrc.ts is not a valid pipeline now (${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}); fix it and run \`npx projen\` first`);
    }
    // Known before any question: waiting for a synthesis that cannot run helps nobody.
    if (!this.switches.skipSynth && !this.switches.synthInProcess) {
      const why = projenUnavailable(this.repo.root);
      if (why) throw new CreateError(why);
    }
    const shape = readStageNames(this.repo.source);
    if (!shape.ok && this.conversation.interactive) this._say(`Note: ${shape.reason}; at the end you get the stage to paste into .projenrc.ts yourself.`);
  }

  async prompting(): Promise<void> {
    const stageNames = declaredStages(this.current).map((s) => s.name);
    const region = this.current.region;
    const kinds = supportedKinds();
    const draft: Record<string, unknown> = {};
    const implied: Partial<StageOptions> = this.given.has('imageUri') ? { mode: 'container' } : this.given.has('framework') || this.given.has('frameworkVersion') ? { mode: 'script' } : {};
    const fromGiven = this.given.get('from');
    const trainingStageNames = declaredStages(this.current).filter((s) => s.kind === 'training' || s.kind === 'tuning').map((s) => s.name);
    // `yo legacy-mlops:stage train --kind tuning`: the declared training stage becomes a tuning job over its own settings.
    const tuningOver = () => (draft.kind === 'tuning' && trainingStageNames.includes(String(draft.name)) ? declaredStages(this.current).find((s) => s.name === draft.name) : undefined);
    const context = (): AddStageContext => ({
      stage: tuningOver() ?? draftStage(draft, implied),
      ...(tuningOver() ? { tuningOver: tuningOver() } : {}),
      trainingStageNames,
      region,
      draft,
      stageNames,
      kinds,
      cwd: this.contextRoot,
      interactive: this.conversation.interactive,
      given: new Set(this.given.keys()),
      ...(this.current.notifications?.email !== undefined ? { notificationsEmail: this.current.notifications.email } : {}),
      ...(draft.from !== undefined ? { fromPath: String(draft.from) } : fromGiven ? { fromPath: path.resolve(this.contextRoot, String(fromGiven.value).replace(/^[^=/]+=/, '')) } : {}),
    });
    for (const question of ADD_STAGE_QUESTIONS) draft[question.name] = await this._answer(question, context());

    const name = String(draft.name);
    const over = tuningOver();
    const description = this.given.get('description');
    if (over && description) throw invalidAnswer({ kind: 'flag', flag: description.flag }, `'${name}' keeps its settings when it becomes a tuning stage; change them in .projenrc.ts`);
    let stage = over ?? (draft.mode === undefined ? draftStage(draft, implied) : applyImageAnswers(draftStage(draft, implied), draft));
    if (stage.kind === 'processing') {
      const { kind: _default, ...rest } = stage;
      stage = rest;
    }
    if (draft.kind === 'tuning') {
      const tuned = tunedStage({ stage, draft, region });
      if ('problem' in tuned) throw new CreateError(`Invalid ${tuned.flag}: ${tuned.problem}`);
      stage = tuned.stage;
      this.tunes = over ? over.name : undefined;
    }
    this.after = draft.after as string | undefined;
    const stages = declaredStages(this.current);
    const index = insertionIndex(stages, name, this.after);

    if (draft.from !== undefined) {
      this.imported = planStageImport(String(draft.from), withStageAt(stages, stage, index), index, region);
      for (const note of this.imported.plan.notes) this._say(`Note: ${note}`);
      if (this.imported.channels.summary.length > 0) {
        this.log('Imported script and the folders it uses:');
        for (const line of this.imported.channels.summary) this.log(`  ${line}`);
      }
      for (const warning of this.imported.channels.warnings) this._say(`Warning: ${warning}`);
      const report = this.imported.plan.repository?.report;
      if (report) {
        this._say(`Migration report (also written to ${MIGRATION_FILE}):`);
        for (const line of reportLines(report)) this._say(`  ${line}`);
      }
      const accepted = await this.conversation.ask({ ...CONFIRM_PATHS_QUESTION, message: () => 'Place the stage folders where the imported script looks (as listed above)?' }, undefined);
      stage = accepted === false ? this.imported.withEntryScript : this.imported.withChannels;
    }
    this.stage = stage;

    this.approverEmail = typeof draft.approverEmail === 'string' ? draft.approverEmail : undefined;
    this.plan = planAddition({ source: this.repo.source, file: this.repo.projenrc, current: this.current, stage, after: this.after, replaces: this.tunes !== undefined, notificationsEmail: this.approverEmail });
    this._refuseUnlessPlanned(this.plan, stage);
    if (this.imported) {
      const conflicts = conflictingCopies(this.repo.root, this.imported.plan);
      if (conflicts.length > 0) {
        throw new CreateError(`${conflicts.join(', ')} already exist${conflicts.length === 1 ? 's' : ''} with other contents; stage code is never overwritten: move ${conflicts.length === 1 ? 'it' : 'them'} away or choose another stage name`);
      }
      const reportProblem = migrationReportProblem(this.repo.root, this.imported.plan);
      if (reportProblem) throw new CreateError(reportProblem);
    }
  }

  async writing(): Promise<void> {
    const plan = this.plan;
    if (!plan || (plan.kind !== 'edit' && plan.kind !== 'unchanged')) return;
    const root = this.repo.root;
    // Re-read right before writing: the file may have changed while the questions were answered.
    if (readText(this.repo.projenrc) !== this.repo.source) throw new CreateError('.projenrc.ts changed while the questions were answered; nothing was written: run the command again');
    if (plan.kind === 'edit') {
      writeProjenrc(this.repo.projenrc, plan.source, this.repo.source);
      this.written.push('.projenrc.ts');
      // Only for a stage actually added: running the same command again appends nothing.
      const recorded = this.imported ? recordMigration(root, this.stage!.name, this.imported.plan) : undefined;
      if (recorded) {
        this.written.push(recorded.file);
        this.migration = recorded;
      }
    }
    if (this.imported) {
      this.foldersBefore = new Set(this.imported.plan.stages.flatMap((st) => st.files.flatMap((f) => ancestorsIn(path.join(root, 'stages'), path.join(root, 'stages', st.stage, f.target)))).filter((d) => fs.existsSync(d)));
      try {
        this.written.push(...copyImport(root, this.imported.plan));
      } catch (error) {
        this._rollback();
        throw fileSystemError(error, 'copy the imported code into', path.join(root, 'stages'));
      }
    }
    if (this.switches.skipSynth) return;
    if (this.switches.synthInProcess) {
      const { synthesizeProject } = await import('../../src/project/synthesize.js');
      try {
        synthesizeProject(plan.options as Parameters<typeof synthesizeProject>[0], root);
      } catch (error) {
        throw new CreateError(`${this._doneSoFar(plan)}synthesis failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.synthesized = 'in-process';
      return;
    }
    this.log('Running npx projen…');
    const run = await runProjen(root);
    if (!run.ok) {
      throw new CreateError(`${this._doneSoFar(plan)}\`npx projen\` failed (${seconds(run.ms)}); fix what it says and run \`npx projen\` again:\n${run.tail}`);
    }
    this.synthesized = 'npx projen';
    this.projenRan = run.how;
    this._say(`npx projen regenerated the state machine, IAM policies, execution input and schema, and README (${seconds(run.ms)}).`);
  }

  end(): void {
    const plan = this.plan;
    const stage = this.stage;
    if (!plan || !stage) return;
    const code = `stages/${stage.name}/`;
    if (plan.kind === 'unchanged') {
      this._say(`Stage '${stage.name}' is already in .projenrc.ts with these settings: nothing to add.`);
      return;
    }
    if (plan.kind !== 'edit') return;
    const stages = declaredStages(plan.options).map((s) => s.name);
    const previous = stages[plan.index - 1];
    const tuning = stage.tuning;
    if (this.tunes && tuning) {
      const jobs = tuning.maxJobs === undefined ? 'every combination' : `${tuning.maxJobs} training jobs`;
      this._say(`Stage '${stage.name}' is now a hyperparameter tuning job in .projenrc.ts: ${tuning.strategy ?? 'Bayesian'} search of ${Object.keys(tuning.ranges).join(', ')}, ${jobs}, ${tuning.maxParallelJobs ?? 1} at a time, ${tuning.objective.type === 'Minimize' ? 'minimizing' : 'maximizing'} ${tuning.objective.metric}; the best job's model goes on. Its code in stages/${stage.name}/ is unchanged: it must print ${tuning.objective.metric}=<value>.`);
    } else this._say(`Added stage '${stage.name}' after '${previous}' in .projenrc.ts (stages: ${stages.join(' → ')}).`);
    for (const line of plan.rewired) this._say(`Note: ${line}`);
    const before = this.current.notifications?.email;
    if (this.approverEmail !== undefined && this.approverEmail !== before) {
      this._say(`notifications.email is ${this.approverEmail}${before ? ` (it was ${before})` : ''}: '${stage.name}' e-mails it to decide, and failed executions are reported there too.`);
    }
    const imported = this.written.filter((f) => f.startsWith(code));
    if (imported.length > 0) this._say(`Imported into ${code}: ${imported.map((f) => path.relative(code, f)).join(', ')}.`);
    if (this.migration) this._say(this.migration.appended ? `The migration report of '${stage.name}' is appended to ${this.migration.file} (your text above it is kept).` : `The migration report is in ${this.migration.file}.`);
    if (!this.synthesized) {
      this.log('Next: run `npx projen` to regenerate the pipeline files and the stage\'s starter code.');
    } else if (kindTakes(stage.kind, 'entryScript')) {
      this.log(`Next: write the stage's code in ${code}${plan.options.stages?.[plan.index]?.entryScript ?? defaultEntryScript(stage.name)}, then \`npx projen local\`.`);
    }
    this.log('To remove or reorder stages, edit `stages` in .projenrc.ts and run `npx projen`: the managed files follow, the code in stages/ stays.');
  }

  // Helpers start with `_`: yeoman queues every other method as a run-loop task.
  /** A copy that failed part-way: the old `.projenrc.ts` back, the copied files and the folders made for them gone. */
  private _rollback(): void {
    if (this.written.includes('.projenrc.ts')) fs.writeFileSync(this.repo.projenrc, this.repo.source);
    const stages = path.join(this.repo.root, 'stages');
    // A migration report appended to the user's MIGRATION.md stays (removing the file would lose their text).
    const kept = new Set(['.projenrc.ts', ...(this.migration?.appended ? [this.migration.file] : [])]);
    for (const rel of this.written.filter((f) => !kept.has(f)).reverse()) {
      const file = path.join(this.repo.root, rel);
      fs.rmSync(file, { force: true });
      for (let dir = path.dirname(file); dir.startsWith(`${stages}${path.sep}`); dir = path.dirname(dir)) {
        if (this.foldersBefore?.has(dir) || fs.readdirSync(dir).length > 0) break;
        fs.rmdirSync(dir);
      }
    }
    this.written.length = 0;
  }

  private _doneSoFar(plan: AdditionPlan): string {
    return plan.kind === 'edit' ? `stage '${this.stage!.name}' is in .projenrc.ts, but ` : '';
  }

  private _say(line: string): void {
    this.notes.push(line);
    this.log(line);
  }

  /** A question's answer: the option's (checked like a prompt answer), else the prompt's or the default. */
  private async _answer(question: AddStageQuestion, ctx: AddStageContext): Promise<unknown> {
    const given = this.given.get(question.name);
    // A training stage turned into a tuning stage keeps its own settings: only the tuning is asked.
    if (ctx.tuningOver && !TUNING_QUESTION_NAMES.has(question.name)) {
      if (given !== undefined) throw invalidAnswer({ kind: 'flag', flag: given.flag }, `'${ctx.tuningOver.name}' keeps its settings when it becomes a tuning stage; change them in .projenrc.ts`);
      return question.name === 'name' || question.name === 'kind' ? ctx.draft[question.name] : undefined;
    }
    if (given !== undefined) {
      const origin = { kind: 'flag', flag: given.flag } as const;
      if (question.applies && !question.applies(ctx)) throw invalidAnswer(origin, question.notApplicableTo?.(ctx) ?? question.notApplicable ?? 'it does not apply to this stage');
      const problem = question.validate?.(given.value, ctx);
      if (problem) throw invalidAnswer(origin, problem);
      const choices = question.choices?.(ctx).map((c) => c.value);
      if (choices && !choices.includes(String(given.value))) throw invalidAnswer(origin, `'${given.value}' is not one of ${choices.join(', ')}`);
      return question.parse ? question.parse(given.value, ctx) : given.value;
    }
    if (question.applies && !question.applies(ctx)) return undefined;
    const { promptValidate } = question;
    const asked = promptValidate && this.conversation.interactive ? { ...question, validate: (answer: unknown, c: AddStageContext) => question.validate?.(answer, c) ?? promptValidate(answer, c) } : question;
    return this.conversation.ask(asked, ctx);
  }

  /** Every way the edit cannot be made ends here, before anything is written. */
  private _refuseUnlessPlanned(plan: AdditionPlan, stage: StageOptions): void {
    if (plan.kind === 'refused') {
      throw new CreateError(plan.snippet ? `cannot add stage '${stage.name}' to .projenrc.ts: ${plan.reason}.\n${plan.snippet}` : `cannot add stage '${stage.name}': ${plan.reason}`);
    }
    if (plan.kind === 'invalid') {
      // Over the stage cap: the count is the problem, not any answer.
      const cap = plan.problems.find((p) => p.path === 'stages');
      if (cap) throw new CreateError(`cannot add stage '${stage.name}': ${cap.message}`);
      const lines = plan.problems.map((p) => {
        const origin = this._originOf(p, plan.index);
        return `${origin ? `${origin}: ` : ''}${p.path}: ${p.message}`;
      });
      throw new CreateError(lines.length === 1 ? `Invalid ${/^(--|stage name|\.projenrc)/.test(lines[0]) ? '' : 'answers: '}${lines[0]}` : `Invalid answers (${lines.length} problems):\n  ${lines.join('\n  ')}`);
    }
  }

  /**
   * The option behind a model problem of the new stage (undefined when no single option set it);
   * .projenrc.ts for a problem of the rest of the pipeline.
   */
  private _originOf(problem: ModelProblem, index: number): string | undefined {
    const at = stageFieldOf(problem);
    if (!at || at.index !== index) return '.projenrc.ts';
    const field = at.field.split(/[.[]/)[0];
    if (field === 'name') return 'stage name';
    if (field === 'inputs' || field === 'outputs') return this.imported ? '--from' : undefined;
    const given = rowsSetting(field).filter((o) => this.given.has(o.question!));
    return given.length > 0 ? given.map((o) => `--${o.name}`).join(', ') : undefined;
  }
}

