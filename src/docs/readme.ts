/** The generated repo's README: what the pipeline does, its diagram and stage table, how to run and deploy it. Pure. */
import { stageInputKey } from '../asl/input-paths.js';
import { stageImageUri } from '../input/execution-input.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { PIPELINE_FILES } from '../model/repo-layout.js';
import { buildStartCallerPolicy } from '../iam/start-caller-policy.js';
import { doctorSection } from './doctor-section.js';
import { governanceSection, monitoringSection } from './governance-section.js';
import { localEnvironmentsSection } from './local-envs.js';
import { pipelineMermaid } from './mermaid.js';
import { KIND_FACTS, describeKindGroup } from '../model/stage-kinds.js';

/** A real report page (the lifecycle sample whose model missed its gate), shipped with the package and written once. */
export const REPORT_SCREENSHOT_PATH = 'docs/report-page.png';

/** Account id the scaffolder writes when it could not ask STS; the README tells how to replace it. */
export const PLACEHOLDER_ACCOUNT = '000000000000';

function imageCell(stage: ResolvedStage): string {
  if (!KIND_FACTS[stage.kind].hasImage && stage.image.source !== 'model') return '(none: an AWS API call)';
  switch (stage.image.source) {
    case 'framework':
      return `prebuilt ${stage.image.framework.name} ${stage.image.framework.version} (script mode)`;
    case 'dockerfile':
      return `built from \`${stage.image.dockerfile}\``;
    case 'uri':
      return `\`${stage.image.imageUri}\``;
    case 'model':
      return `the model of \`${stage.image.modelStage}\``;
  }
}

/** What a stage's entry in the execution input sets: its image, its instances (running a model stage's model), or nothing. */
function stageInputLine(s: ResolvedStage): string {
  const facts = KIND_FACTS[s.kind];
  if (facts.hasImage) return `image \`${stageImageUri(s)}\``;
  if (facts.instances) return s.modelStage ? `instances (runs the model of \`${s.modelStage}\`)` : 'instances';
  return 'nothing to size (it runs no image and no instances of its own)';
}

/** What a stage runs on: its own option group says so when its kind has one, else per kind. */
function resourcesCell(s: ResolvedStage): string {
  const onInstances = KIND_FACTS[s.kind].instances ? `${s.instanceCount} × \`${s.instanceType}\`, ${s.volumeSizeGb} GB, max ${s.maxRuntimeSeconds} s` : undefined;
  const described = describeKindGroup(s, onInstances);
  if (described) return described;
  switch (s.kind) {
    case 'model':
      return '(serving image only)';
    case 'transform':
      return `${s.instanceCount} × \`${s.instanceType}\`, task timeout ${s.taskTimeoutSeconds} s`;
    case 'endpoint':
      return `${s.instanceCount} × \`${s.instanceType}\`, endpoint \`${s.endpoint?.name}\``;
    case 'register':
      return `(no instance) a version in group \`${s.registry?.group}\``;
    case 'approval':
      return `(no instance) waits up to ${s.approval?.timeoutSeconds} s for a person`;
    default:
      return onInstances ?? '(no instance)';
  }
}

function codeCell(s: ResolvedStage): string {
  const facts = KIND_FACTS[s.kind];
  if (facts.servesModel) return s.mode === 'script' ? `\`code/${s.entryScript}\` inside the model artifact` : '(in the image)';
  // Transforms and endpoints run their model on instances; a register stage only records it.
  if (facts.usesModelStage && facts.instances) return "(the model's inference code)";
  if (!facts.hasCode) return '(none)';
  return s.mode === 'script' || s.image.source === 'dockerfile' ? `\`${s.codeDir}/${s.entryScript}\`` : '(in the image)';
}

function stageTable(pipeline: ResolvedPipeline): string {
  const rows = pipeline.stages.map((s) => {
    const at = (path: string) => (path ? ` at \`${path}\`` : '');
    const inputs = s.inputs
      .map((i) => `\`${i.name}\` ← ${i.from === 'raw' ? 'raw data' : `\`${i.from}\``}${at(i.localPath)}${i.distribution === 'sharded' ? ' (sharded)' : ''}`)
      .join('<br/>');
    const outputs = s.outputs.map((o) => `\`${o.name}\`${o.localPath ? ` from \`${o.localPath}\`` : ''}`).join('<br/>');
    const gate = s.gate ? `<br/>gate: \`${s.gate.metric}\` ${s.gate.greaterIsBetter ? '≥' : '≤'} ${s.gate.threshold}` : '';
    return `| \`${s.name}\` | ${s.description}${gate} | ${imageCell(s)} | ${codeCell(s)} | ${resourcesCell(s)} | ${inputs} | ${outputs} |`;
  });
  return [
    '| Stage | What it does | Image | Code | Resources | Inputs | Outputs |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function buildReadme(pipeline: ResolvedPipeline): string {
  const placeholder = pipeline.account === PLACEHOLDER_ACCOUNT;
  const userFiles = pipeline.stages.filter((s) => KIND_FACTS[s.kind].hasCode).map((s) => `\`${s.codeDir}/\``).join(', ');
  const gates = pipeline.stages.filter((s) => s.gate);
  const skippable = pipeline.stages.filter((s) => s.skippable);
  const sections = [
    `# ${pipeline.name}`,
    '',
    `A legacy ML pipeline lifted onto **Amazon SageMaker** processing jobs, orchestrated by **AWS Step Functions** (region \`${pipeline.region}\`, account \`${pipeline.account}\`, bucket \`${pipeline.s3.bucket}\`). ` +
      'It was scaffolded by [legacy-mlops](https://www.npmjs.com/package/generator-legacy-mlops); `.projenrc.ts` is the single source of truth.',
    '',
    ...(placeholder
      ? [
          `> **Account id not set.** \`${PLACEHOLDER_ACCOUNT}\` is a placeholder: put your 12-digit AWS account id in \`.projenrc.ts\` (\`account: '…'\`) and run \`npx projen\`. ` +
            '`aws sts get-caller-identity --query Account --output text` prints it.',
          '',
        ]
      : []),
    '## Pipeline',
    '',
    '```mermaid',
    pipelineMermaid(pipeline),
    '```',
    '',
    stageTable(pipeline),
    '',
    `Every execution writes under \`${pipeline.s3.runsUri}<execution name>/<stage>/<output>/\`; raw data is read from \`${pipeline.s3.rawDataUri}\`. ` +
      'Job names are `<prefix>-<uuid>`, so runs and retries never collide. Only transient SageMaker errors are retried; a failed job ends the execution in `<stage> failed` with SageMaker\'s reason.',
    '',
    '## Run it',
    '',
    '| Command | What it does |',
    '| --- | --- |',
    '| `npx projen local` | Runs the whole state machine on this machine, no AWS account needed: S3 is a folder under `.local/s3/`, each job runs in a sandbox with `/opt/ml/...` mounted. |',
    '| `npx projen test` | Tests the pipeline before anything reaches AWS, in order: each stage\'s tests (`stages/<name>/test_*.py`), `validate`, then a local run of the whole pipeline on the sample data. Stops at the first part that fails and names it. The CI workflow runs it before every deploy. |',
    '| `npx projen validate` | Checks the generated artifacts offline: the ASL (asl-validator), every SageMaker request against the API shapes, the sample input against its schema, the Python sources. |',
    '| `npx projen deploy` | Deploys with the AWS CDK: bucket, roles, container images, stage code and the state machine (logs + X-Ray); `npx projen diff` previews, `npx projen destroy` removes everything but the bucket: the data stays, and the next `npx projen deploy` takes the same bucket back (`--import-existing-resources`). With `existingBucket: true` the stack uses your bucket and never creates, changes or deletes it. Needs AWS credentials and a bootstrapped account (`npx cdk bootstrap`). |',
    '| `npx projen doctor` | Checks, read-only, that the AWS account is ready before the first deploy or run: credentials, CDK bootstrap, bucket, SageMaker instance quotas, images, roles, state machine name (below). |',
    '| `npx projen start` | Starts an execution of the deployed state machine with the execution input adjusted to the deployed bucket, images and role, and follows it state by state. |',
    '| `npx projen` | Re-synthesizes every managed file from `.projenrc.ts`. |',
    '| `npx projen upgrade` | Upgrades dependencies, legacy-mlops included. |',
    '',
    'Run settings (bucket, role, images, instance sizes) are not baked into the state machine: they come from the execution input, ' +
      `a sample of which is \`${PIPELINE_FILES.executionInput}\` (schema: \`${PIPELINE_FILES.executionInputSchema}\`).`,
    '',
    ...gates.map(
      (s) =>
        `The \`${s.name}\` gate reads \`metrics.${s.gate!.metric}.value\` from \`${s.gate!.reportOutput}/${s.gate!.reportFile}\` and lets the model through when it is ${s.gate!.greaterIsBetter ? 'at least' : 'at most'} ` +
        `\`$.stages.${stageInputKey(s.name)}.threshold\` (${s.gate!.threshold} in the sample input); otherwise the execution ${s.gate!.onFail === 'fail' ? 'fails, naming the metric, its value and the threshold' : 'ends without running the later stages'}.\n`,
    ),
    ...shardingParagraph(pipeline),
    ...fanOutParagraph(pipeline),
    ...(skippable.length > 0
      ? [
          `Stages ${skippable.map((s) => `\`${s.name}\``).join(', ')} can be skipped in one execution with \`"enabled": false\` in their entry of the execution input; ` +
            '`validate` and `local` refuse an input that skips a stage whose output an enabled stage needs.',
          '',
        ]
      : []),
    ...governanceSection(pipeline),
    ...doctorSection(pipeline),
    ...monitoringSection(pipeline),
    ...localEnvironmentsSection(pipeline),
    ...testSection(pipeline),
    '## Change the pipeline',
    '',
    'Edit the `stages` literal in `.projenrc.ts` and run `npx projen`: add, remove or reorder stages, change an instance type, a framework version or an input path. ' +
      'Managed files follow; your stage code stays. A removed stage\'s managed entries disappear, its `stages/<name>/` folder is kept for you to delete. ' +
      '`yo legacy-mlops:stage` adds a stage interactively.',
    '',
    '## Who owns which file',
    '',
    '| Files | Owner |',
    '| --- | --- |',
    `| \`${PIPELINE_FILES.stateMachine}\`, \`${PIPELINE_FILES.executionInput}\`, \`${PIPELINE_FILES.executionInputSchema}\`, \`pipeline/iam/*.json\`, \`README.md\`, \`package.json\`, \`tsconfig*.json\` | projen (read-only; edit \`.projenrc.ts\` instead) |`,
    `| \`.projenrc.ts\`, ${userFiles}, \`data/\` | you (written once, never overwritten) |`,
    '',
    '## IAM',
    '',
    (pipeline.roles.bringYourOwn
      ? `This project uses existing roles (\`${pipeline.roles.stateMachineRoleArn}\`, \`${pipeline.roles.sageMakerExecutionRoleArn}\`); nothing creates roles. An administrator attaches the policies below to them.`
      : `The state machine role and the SageMaker execution role (\`${pipeline.roles.sageMakerExecutionRoleArn}\`) get exactly the policies below.`) +
      ' They are derived from the state machine: job-name prefixes, the bucket prefixes, the image repositories and the one execution role, with `iam:PassRole` limited to SageMaker.',
    '',
    `- \`${PIPELINE_FILES.stateMachineRolePolicy}\` and \`${PIPELINE_FILES.stateMachineRoleTrust}\``,
    `- \`${PIPELINE_FILES.sageMakerExecutionRolePolicy}\` and \`${PIPELINE_FILES.sageMakerExecutionRoleTrust}\``,
    '',
    '## Stage inputs in the execution input',
    '',
    ...pipeline.stages.map((s) => `- \`$.stages.${stageInputKey(s.name)}\` (${s.name}): ${stageInputLine(s)}`),
    '',
  ];
  return sections.join('\n');
}

/** What sharding asks of the legacy code: it sees a share of the files, and its outputs get per-host names. */
function shardingParagraph(pipeline: ResolvedPipeline): string[] {
  const sharded = pipeline.stages.filter((s) => s.inputs.some((i) => i.distribution === 'sharded'));
  if (sharded.length === 0) return [];
  const list = sharded.map((s) => `\`${s.name}\` (${s.inputs.filter((i) => i.distribution === 'sharded').map((i) => `\`${i.name}\``).join(', ')}, ${s.instanceCount} instances)`).join(', ');
  return [
    `**Sharded inputs**: ${list}. SageMaker gives each instance a share of the input's S3 objects (\`ShardedByS3Key\`), not a share of the rows: ` +
      'the legacy code must process every file it finds in its input folder rather than one fixed file name, and put the data in at least as many files as instances ' +
      '(an instance without a share gets an empty folder). Every instance uploads to the same output prefix, so the stub renames each output file to ' +
      '`<name>-<host>.<extension>` (hosts `algo-1`, `algo-2`, … from `/opt/ml/config/resourceconfig.json`); the next stage reads one file per host. ' +
      '`npx projen local` runs one local job per instance, each with its own `resourceconfig.json` and share, and warns when two hosts write the same file name.',
    '',
  ];
}

/** What a fan-out does, where each item's data goes, and what limits it. */
function fanOutParagraph(pipeline: ResolvedPipeline): string[] {
  const fanOut = pipeline.fanOut;
  if (!fanOut) return [];
  const perObject = fanOut.itemsFrom === 's3-prefix';
  const items =
    fanOut.itemsFrom === 's3'
      ? 'item of the JSON array at `s3://<itemsBucket>/<itemsKey>` (the input names it; `data/items.json` is the sample, copied there by `npx projen local`)'
      : perObject
        ? 'object under `s3://<itemsBucket>/<itemsPrefix>` (the input names a prefix inside the raw data; the Map lists it with s3:listObjectsV2, and `data/raw/` holds one sample file per item)'
        : 'item of the execution input\'s `items` array (up to the 256 KiB input limit, a few thousand items)';
  const data = perObject
    ? `Each object is one item: its file name is the item's id (unique, letters, digits, \`.\`, \`_\`, \`-\`), the object itself is the item's raw data (an S3 prefix match: \`a.csv\` also brings \`a.csv.bak\`), and folder markers (keys ending in \`/\`) are skipped. The item writes`
    : `Each item \`{"id": "<id>", …}\` reads its raw data from \`${pipeline.s3.rawDataUri}<id>/\` and writes`;
  return [
    `**Fan-out**: every execution runs the whole stage chain once per ${items}, inside a Step Functions Distributed Map (one child execution per item). ` +
      `${data} under \`${pipeline.s3.runsUri}<execution name>/<id>/<stage>/<output>/\`; its jobs carry the tag \`legacy-mlops:item\`. ` +
      `At most ${fanOut.maxConcurrency} items run at once (\`fanOut.maxConcurrency\`): SageMaker's per-instance-type job quotas are the real limit, so raise it only as far as your quotas allow. ` +
      `A failed item ends that item only; the execution fails when more than ${fanOut.toleratedFailurePercentage}% of the items fail (\`fanOut.toleratedFailurePercentage\`). ` +
      `Every item's outcome (failed ones with their error) is written to \`${pipeline.s3.runsUri}<execution name>/fan-out/<map run>/\` (manifest.json, SUCCEEDED_0.json, FAILED_0.json); \`npx projen local\` lists them in its report.`,
    '',
  ];
}

/** How the repo tests itself, and how to read a run's report page. */
function testSection(pipeline: ResolvedPipeline): string[] {
  const tested = pipeline.stages.filter((s) => KIND_FACTS[s.kind].hasCode);
  const example = tested[0]?.name ?? '<name>';
  return [
    '## Test it',
    '',
    `Each stage with code has a starter test beside it (${tested.map((s) => `\`stages/${s.name}/test_${s.name.replace(/-/g, '_')}.py\``).join(', ')}): ` +
      'standard-library `unittest` that calls the stage\'s legacy function on a tiny fixture and checks the shape of what it writes. ' +
      'It is yours like the stage code: when the legacy code\'s files change, change the fixture with them. ' +
      `Run one stage's tests with \`python3 -m unittest discover -s stages/${example} -p "test_*.py"\` (or \`pytest stages/${example}\`).`,
    '',
    'A stage whose script was already there (imported with `--from`) gets a smoke test instead, written beside the legacy code, which it never edits: ' +
      'it runs the script untouched on the sample data with `npx legacy-mlops smoke <name>`, exactly as a local run does (its own sandbox with SageMaker\'s `/opt/ml` paths redirected to a temporary folder, ' +
      'the stage\'s Python environment, the stages it reads from run first), and checks that it exits 0 and writes each output and the files it names in them.',
    '',
    '`npx projen test` runs every stage\'s tests, then `validate`, then the whole pipeline locally; skip a part with `--skip-stage-tests`, `--skip-validate` or `--skip-run`, ' +
      'and pass `--python <path>` or `--backend <name>` as to `npx projen local`. The deploy workflow runs the same command in its `test` job, before any deploy job, ' +
      'and keeps the run\'s report as the `local-run-report` artifact.',
    '',
    '### Read a run\'s report',
    '',
    'Every `npx projen local` run writes `.local/runs/<execution>/report.html`, one file that needs no network to view (`npx projen local --open` opens it); ' +
      '`npx projen start` writes the same page for a cloud execution from its Step Functions history. From the top:',
    '',
    '- the execution\'s status and, when it failed, the state it failed in with SageMaker\'s reason;',
    ...(pipeline.stages.some((s) => s.gate) ? ['- the metric gate: the metric\'s value against its threshold, and whether the model passed;'] : []),
    '- the pipeline graph, each state coloured by how it ended: green succeeded, red failed, orange failed but caught (the run went on to its Catch), grey dashed skipped or not reached;',
    '- the timeline: one bar per job, from its start to its end, so the slow stage stands out;',
    '- each job: its exit message (the first 1 KB of `/opt/ml/output/message`), the last lines of its log, its duration;',
    '- the outputs each stage wrote: S3 locations, local paths and sizes, and the first rows of a CSV output.',
    '',
    'For a cloud execution, the log lines are the last ones of each job\'s CloudWatch log (`/aws/sagemaker/ProcessingJobs`, `TrainingJobs` or `TransformJobs`, streams `<job name>/…`), ' +
      'read with your own credentials, not the pipeline\'s roles. Without `logs:DescribeLogStreams` and `logs:GetLogEvents` the page says `logs not readable: <reason>` under each job and the command goes on. ' +
      'What whoever runs `npx projen start` needs, as an identity policy:',
    '',
    '```json',
    JSON.stringify(buildStartCallerPolicy(pipeline), null, 2),
    '```',
    '',
    `![A run report page: a lifecycle run whose model missed its accuracy gate](${REPORT_SCREENSHOT_PATH})`,
    '',
  ];
}
