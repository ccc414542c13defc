/**
 * `runPipelineLocally`: executes the generated repo's state machine (the very file that is deployed)
 * with aws-local-stepfunctions, every Task state answered by a local emulator, and returns the report.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { LOCAL_DIR, LOCAL_ENVS_DIR, localRunDir, PIPELINE_FILES } from '../model/repo-layout.js';
import { BackendSelector } from './backends/select.js';
import type { BackendName } from './backends/types.js';
import { assignEmulators } from './emulators/registry.js';
import type { PreparedTask } from './emulators/types.js';
import { LocalRunRefused, messageOf } from './errors.js';
import { ITEM_TAG_KEY } from '../asl/task-common.js';
import { ExecutionRecorder, type ExecutionEvent } from './execution-record.js';
import { distributedMaps, runDistributedMap, withLocalMapTasks, type ItemOutcome, type MapRunEnvironment } from './distributed-map.js';
import { localExecutionName } from './execution-name.js';
import { validateExecutionInput, validateStageSwitches } from './input-validation.js';
import { LocalS3 } from './local-s3.js';
import { ProgressPrinter } from './progress.js';
import { resolvePython, type PythonInterpreter } from './python-env.js';
import { seedRawData } from './raw-data-seed.js';
import { writeLocalReportPage } from '../report/local-record.js';
import { readJsonFile } from './repo-files.js';
import { writeReport, type ExecutionStatus, type LocalRunReport } from './report.js';
import type { ApprovalMode, LocalRunContext } from './run-context.js';
import { ValidationCache } from './validation-cache.js';

export interface LocalRunOptions {
  /** The generated repo. */
  readonly repoRoot: string;
  /** Execution input file (default `pipeline/execution-input.json`). */
  readonly inputPath?: string;
  /** `auto` (default): docker, else bwrap, else direct. */
  readonly backend?: BackendName | 'auto';
  /** Interpreter for jobs on this machine (default `LEGACY_MLOPS_PYTHON`, else `python3`). */
  readonly python?: string;
  /** Build a virtual environment per stage from its requirements.txt. */
  readonly install?: boolean;
  /**
   * Run each stage in its own Python environment like its image (default; `LEGACY_MLOPS_ENVS=off`
   * or false: the interpreter's own packages, as `--no-envs`).
   */
  readonly envs?: boolean;
  /** Delete every stage environment first (`--rebuild-envs`). */
  readonly rebuildEnvs?: boolean;
  /** Local S3 folder (default `.local/s3`). */
  readonly s3Root?: string;
  /** Folder of the runs' folders (default `.local/runs`): a stage's smoke test runs in a temporary one. */
  readonly runsRoot?: string;
  /**
   * Runs this definition instead of the repo's state machine file (a stage's smoke test runs the
   * sub-machine of its stage and the stages it reads from; see stage-smoke.ts).
   */
  readonly definition?: unknown;
  readonly follow?: boolean; // print job output as it comes
  readonly signal?: AbortSignal; // stops the running job and the execution (Ctrl-C)
  /** Progress output, one line per call (default: standard output). */
  readonly log?: (line: string) => void;
  readonly executionName?: string;
  /** `$$.Execution.Id` up to the name: `legacy-mlops local --env <name>` runs as that environment's deployment. */
  readonly executionArnPrefix?: string;
  /** How approval stages decide: ask (the terminal when there is one, else wait for `legacy-mlops approve`), or decide them all. */
  readonly approvals?: ApprovalMode;
}

/** A fan-out from S3 reads its items from here on the first run (see src/stages/render-sample-data.ts). */
const ITEMS_FILE = join('data', 'items.json');

/**
 * Runs the pipeline locally. Throws {@link LocalRunRefused} when a check fails before any job starts;
 * otherwise resolves with the report (also written to `.local/runs/<execution>/report.json`).
 */
export async function runPipelineLocally(options: LocalRunOptions): Promise<LocalRunReport> {
  const started = performance.now();
  const startedAt = new Date();
  const repoRoot = resolve(options.repoRoot);
  const localDir = join(repoRoot, LOCAL_DIR);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const show = (path: string) => relative(repoRoot, path) || '.';

  const stateMachinePath = join(repoRoot, PIPELINE_FILES.stateMachine);
  const inputPath = resolve(repoRoot, options.inputPath ?? PIPELINE_FILES.executionInput);
  const definition = options.definition === undefined ? readJsonFile(repoRoot, stateMachinePath, 'state machine') : { value: options.definition, text: JSON.stringify(options.definition) };
  const input = readJsonFile(repoRoot, inputPath, 'execution input');
  const schema = readJsonFile(repoRoot, join(repoRoot, PIPELINE_FILES.executionInputSchema), 'execution input schema');

  // Probes (docker info, bwrap, the interpreter) are processes: start them now, they finish while we validate.
  const backends = new BackendSelector(options.backend ?? 'auto');
  backends.warmUp();
  const python = resolvePython(options.python, process.env, join(localDir, 'cache'));
  python.catch(() => undefined); // awaited (and reported) only if a stage needs it

  // 1. A valid input and definition, or one line per problem.
  const cache = new ValidationCache(join(localDir, 'cache'));
  cache.check('input', [schema.text, input.text], () => validateExecutionInput(input.value, schema.value as object, show(inputPath)));
  validateStageSwitches(definition.value, input.value, show(inputPath));
  const maps = distributedMaps(definition.value);
  const checked = loadStateMachine(definition, cache, show(stateMachinePath));
  // Distributed Maps run as local Map Runs (see distributed-map.ts); the file itself was validated as is.
  const machine = maps.size > 0 ? new StateMachine(withLocalMapTasks(definition.value, maps), { validationOptions: { noValidate: true } }) : checked;
  // 2. Every Task state has an emulator: none may fall through to a real AWS call.
  const assigned = assignEmulators(definition.value);

  const executionName = options.executionName ?? localExecutionName(startedAt);
  const runDir = options.runsRoot ? join(resolve(repoRoot, options.runsRoot), executionName) : join(repoRoot, localRunDir(executionName));
  const s3 = new LocalS3(options.s3Root ? resolve(repoRoot, options.s3Root) : join(localDir, 's3'));
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const printer = new ProgressPrinter(log, repoRoot);
  const recorder = new ExecutionRecorder();
  const notices: string[] = [];
  /** Notices shown on an earlier run, by the file that lists them: one reminder line for all. */
  const reminders = new Map<string, number>();
  let announcedPython: Promise<PythonInterpreter> | undefined;
  const envs = options.envs ?? process.env.LEGACY_MLOPS_ENVS !== 'off';
  const envsDir = join(repoRoot, LOCAL_ENVS_DIR);
  if (envs && options.rebuildEnvs) rmSync(envsDir, { recursive: true, force: true });
  const context: LocalRunContext = {
    repoRoot,
    executionName,
    runDir,
    s3,
    input: input.value,
    backends,
    python: (): Promise<PythonInterpreter> =>
      (announcedPython ??= python.then((interpreter) => {
        log(`  python3 in jobs: ${interpreter.executable} (Python ${interpreter.version})`);
        return interpreter;
      })),
    // The environments hold requirements.txt already: the entrypoint's own pip step is skipped.
    install: !envs && (options.install ?? false),
    venvsDir: join(localDir, 'venvs'),
    envs,
    envsDir,
    signal: stop.signal,
    follow: options.follow ?? false,
    log,
    jobs: {
      jobStarted: (job) => printer.onJobStarted({ ...job, stateName: itemStateName(job.stateName) }),
      jobEnded: (job) => {
        const record = { ...job, stateName: itemStateName(job.stateName) };
        recorder.onJobEnded(record);
        printer.onJobEnded(record);
      },
    },
    models: new Map(),
    approvals: options.approvals ?? 'ask',
    registryDir: join(localDir, 'registry'),
    notice: (text, remindedIn) => {
      if (notices.includes(text)) return;
      notices.push(text);
      if (remindedIn) reminders.set(remindedIn, (reminders.get(remindedIn) ?? 0) + 1);
      else log(`  notice: ${text}`);
    },
  };

  try {
    log(`legacy-mlops local: execution ${executionName} of ${show(stateMachinePath)} with ${show(inputPath)}`);
    // 3. Prepare every Task (backend, interpreter, files) and the local S3; every problem at once.
    const prepared = await prepareTasks(assigned, context);
    if (reminders.size > 0) {
      const count = [...reminders.values()].reduce((a, b) => a + b, 0);
      log(`  notice: ${count === 1 ? '1 notice' : `${count} notices`} about the stage environments, shown when they were built, listed in ${[...reminders.keys()].map(show).join(', ')}`);
    }
    const seedProblem = seedRawData(repoRoot, s3, (input.value as { rawDataUri?: unknown }).rawDataUri, log) ?? seedItems(repoRoot, s3, input.value, log);
    if (prepared.problems.length > 0 || seedProblem) throw new LocalRunRefused([...prepared.problems, ...(seedProblem ? [seedProblem] : [])]);
    for (const task of prepared.tasks.values()) task.beforeRun?.();
    if (stop.signal.aborted) throw new LocalRunRefused('interrupted before the execution started');

    // 4. Run the definition.
    mkdirSync(runDir, { recursive: true });
    const items: ItemOutcome[] = [];
    const fanOut = { maps, s3, onItemDone: (item: ItemOutcome) => items.push(item) };
    const outcome = await execute(machine, input.value, prepared.tasks, waitStates(definition.value), { name: executionName, id: `${options.executionArnPrefix ?? 'arn:aws:states:local:000000000000:execution:local'}:${executionName}` }, stop, recorder, printer, fanOut);
    const states = recorder.finish();
    const wallMs = performance.now() - started;
    const scriptMs = states.reduce((sum, s) => sum + s.jobs.reduce((t, j) => t + j.scriptMs, 0), 0);
    const report: LocalRunReport = {
      executionName,
      status: outcome.status,
      startedAt: startedAt.toISOString(),
      wallMs,
      scriptMs,
      overheadMs: wallMs - scriptMs,
      stateMachine: stateMachinePath,
      input: inputPath,
      s3Root: s3.root,
      runDir,
      backends: Object.fromEntries(
        [...prepared.tasks.values()].flatMap((t) => (t.backend ? [[t.stageName ?? '', { backend: t.backend.name, reason: t.backend.reason }]] : [])),
      ),
      states,
      ...(notices.length > 0 ? { notices } : {}),
      ...(maps.size > 0 ? { items: items.sort((a, b) => a.index - b.index) } : {}),
      ...(outcome.output !== undefined ? { output: outcome.output } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    };
    const reportPath = writeReport(report);
    printer.summary(report, reportPath);
    log(`  report page: ${show(writeLocalReportPage(report, definition.value))}`);
    return report;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** The definition, checked by asl-validator (inside aws-local-stepfunctions) unless this exact file passed before. */
function loadStateMachine(definition: { value: unknown; text: string }, cache: ValidationCache, shown: string): StateMachine {
  type Definition = ConstructorParameters<typeof StateMachine>[0];
  const validationOptions = { checkPaths: true, checkArn: true };
  let machine: StateMachine | undefined;
  try {
    cache.check('asl', [checkerVersion(), JSON.stringify(validationOptions), definition.text], () => {
      machine = new StateMachine(definition.value as Definition, { validationOptions });
    });
  } catch (error) {
    throw new LocalRunRefused(`${shown} is not a valid state machine: ${messageOf(error)}`);
  }
  return machine ?? new StateMachine(definition.value as Definition, { validationOptions: { noValidate: true } });
}

/** The aws-local-stepfunctions version: a new validator must check again. */
function checkerVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('aws-local-stepfunctions');
    for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'aws-local-stepfunctions') return `aws-local-stepfunctions@${pkg.version}`;
      }
    }
  } catch {
    // Unknown version: the cache key still holds the definition itself.
  }
  return 'aws-local-stepfunctions@unknown';
}

async function prepareTasks(
  assigned: ReturnType<typeof assignEmulators>,
  context: LocalRunContext,
): Promise<{ tasks: Map<string, PreparedTask>; problems: string[] }> {
  const tasks = new Map<string, PreparedTask>();
  const problems: string[] = [];
  for (const { state, emulator } of assigned) {
    try {
      const task = await emulator.prepare(state, context);
      tasks.set(state.name, task);
      if (task.backend) context.log(`  ${task.stageName ?? state.name} runs on ${task.backend.name}: ${task.backend.reason}`);
    } catch (error) {
      problems.push(...(error instanceof LocalRunRefused ? error.problems : [`state '${state.name}': ${messageOf(error)}`]));
    }
  }
  return { tasks, problems: [...new Set(problems)] };
}

/** A fan-out from S3: copies data/items.json to `s3://<itemsBucket>/<itemsKey>` when that object is absent. */
function seedItems(repoRoot: string, s3: LocalS3, input: unknown, log: (line: string) => void): string | undefined {
  const { itemsBucket, itemsKey } = (input ?? {}) as { itemsBucket?: unknown; itemsKey?: unknown };
  if (typeof itemsBucket !== 'string' || typeof itemsKey !== 'string') return undefined;
  const uri = `s3://${itemsBucket}/${itemsKey}`;
  if (existsSync(s3.pathOf(uri))) return undefined;
  const source = join(repoRoot, ITEMS_FILE);
  if (!existsSync(source)) return `no items: put a JSON array of items ({"id": …}) in ${ITEMS_FILE} (copied to the local S3 object ${uri} on the first run)`;
  mkdirSync(dirname(s3.pathOf(uri)), { recursive: true });
  copyFileSync(source, s3.pathOf(uri));
  log(`  local S3: seeded ${uri} from ${ITEMS_FILE}`);
  return undefined;
}

interface Outcome {
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: LocalRunReport['error'];
}

/** The fan-out item a Task's request belongs to: its `legacy-mlops:item` tag (see src/asl/task-common.ts). */
function itemTagOf(request: unknown): string | undefined {
  const tags = (request as { Tags?: unknown } | null)?.Tags;
  const tag = Array.isArray(tags) ? tags.find((t) => (t as { Key?: unknown })?.Key === ITEM_TAG_KEY) : undefined;
  return typeof tag?.Value === 'string' ? tag.Value : undefined;
}

/** Which fan-out item the running job belongs to (set around each Task handler). */
const itemScope = new AsyncLocalStorage<string | undefined>();

function itemStateName(stateName: string): string {
  const item = itemScope.getStore();
  return item ? `${item} › ${stateName}` : stateName;
}

/** Wait states of the definition (an endpoint's polling loop): locally there is nothing to wait for. */
function waitStates(definition: unknown): string[] {
  const states = (definition as { States?: Record<string, { Type?: unknown }> } | undefined)?.States ?? {};
  return Object.entries(states)
    .filter(([, state]) => state.Type === 'Wait')
    .map(([name]) => name);
}

async function execute(
  machine: StateMachine,
  input: unknown,
  tasks: ReadonlyMap<string, PreparedTask>,
  waits: readonly string[],
  executionRef: { readonly name: string; readonly id: string },
  stop: AbortController,
  recorder: ExecutionRecorder,
  printer: ProgressPrinter,
  fanOut: { maps: ReadonlyMap<string, Record<string, unknown>>; s3: LocalS3; onItemDone: (item: ItemOutcome) => void },
): Promise<Outcome> {
  // Handlers are tracked so that no job outlives the run.
  const running = new Set<Promise<unknown>>();
  const handlers = Object.fromEntries(
    [...tasks].map(([name, task]) => [
      name,
      async (request: unknown) => {
        // Let the event log report the state's entry before the job prints its own lines.
        await new Promise((done) => setImmediate(done));
        // Jobs of a fan-out item are reported under `<item> › <state>`: the request's item tag says which.
        const job = itemScope.run(itemTagOf(request) ?? itemScope.getStore(), () => task.handler(request));
        running.add(job);
        try {
          return (await job) as never;
        } finally {
          running.delete(job);
        }
      },
    ]),
  );
  const overrides = {
    taskResourceLocalHandlers: handlers,
    // Retry waits are for cloud throttling; locally they would only slow the run down.
    retryIntervalOverrides: Object.fromEntries([...tasks.keys()].map((name) => [name, 0])),
    waitTimeOverrides: Object.fromEntries(waits.map((name) => [name, 0])),
  };
  for (const [name, map] of fanOut.maps) {
    const environment: MapRunEnvironment = {
      executionName: executionRef.name,
      s3: fanOut.s3,
      runOptions: { overrides },
      signal: stop.signal,
      onEvent: (event, item) => {
        const named = 'state' in event ? ({ ...event, state: { ...event.state, name: `${item} › ${event.state.name}` } } as ExecutionEvent) : event;
        recorder.onEvent(named);
        printer.onEvent(named);
      },
      onItemDone: (item) => {
        printer.onItemDone(item);
        fanOut.onItemDone(item);
      },
    };
    (handlers as Record<string, (input: unknown) => Promise<never>>)[name] = (mapInput: unknown) => runDistributedMap(name, map, mapInput, environment) as Promise<never>;
  }
  const execution = machine.run(input as never, {
    overrides,
    // Task.Token: what an approval stage publishes (one per run is enough: local stages wait one at a time).
    context: { Execution: { Name: executionRef.name, Id: executionRef.id }, Task: { Token: `local-${executionRef.name}` } },
  });
  const onStop = () => execution.abort();
  if (stop.signal.aborted) onStop();
  else stop.signal.addEventListener('abort', onStop, { once: true });
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      recorder.onEvent(event);
      printer.onEvent(event);
    }
  })();

  let output: unknown;
  let failure: unknown;
  let failed = false;
  try {
    output = await execution.result;
  } catch (caught) {
    failed = true;
    failure = caught;
  } finally {
    stop.signal.removeEventListener('abort', onStop);
    // A job still running (its task timed out, or the execution stopped) is stopped now.
    if (running.size > 0) stop.abort();
    await Promise.allSettled([...running]);
    await events;
  }
  if (!failed) return { status: 'SUCCEEDED', output };
  const status: ExecutionStatus =
    failure instanceof ExecutionAbortedError ? 'ABORTED' : failure instanceof ExecutionTimeoutError ? 'TIMED_OUT' : 'FAILED';
  const cause = failure instanceof ExecutionError && failure.cause instanceof Error ? failure.cause : undefined;
  if (!cause) {
    return { status, error: { error: status === 'ABORTED' ? 'Aborted' : status === 'TIMED_OUT' ? 'States.Timeout' : 'Error', cause: messageOf(failure) } };
  }
  // The state that ended the execution: the last one that failed (for a caught error, its Fail state).
  const state = [...recorder.states].reverse().find((s) => s.status === 'FAILED')?.name;
  return { status, error: { error: cause.name, cause: cause.message, state } };
}
