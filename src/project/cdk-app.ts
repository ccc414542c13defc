/**
 * Makes the generated repo a deployable CDK app: the resolved model of every environment
 * (`pipeline/pipeline-model.json`), a managed `src/main.ts` that turns it into one stack per
 * environment, cdk-nag as a synthesis gate, and `npx projen start` to run the deployed pipeline.
 * projen's own `deploy`, `diff` and `destroy` tasks drive the app through cdk.json.
 */
import { Component } from 'projen/lib/component.js';
import { DependencyType } from 'projen/lib/dependencies.js';
import { JsonFile } from 'projen/lib/json.js';
import { TextFile } from 'projen/lib/textfile.js';
import type { Project } from 'projen/lib/project.js';
import { PIPELINE_MODEL_FILE, type PipelineModelFile } from '../construct/pipeline-model.js';

/** The `app` command of cdk.json: the entry point runs with tsx, like `.projenrc.ts` (no compile step). */
export const CDK_APP_COMMAND = 'npx tsx src/main.ts';
export const CDK_APP_ENTRYPOINT = 'src/main.ts';
/** `cdk deploy` flag: adopt the custom-named, retained resources an earlier deployment left (the bucket). */
export const IMPORT_RETAINED_RESOURCES = '--import-existing-resources';
/** cdk-nag 3 (AwsSolutionsChecks as a CDK validation plugin) needs aws-cdk-lib >= 2.257. */
export const CDK_NAG_VERSION = '^3.0.2';

const MAIN_TS = `// The CDK app: one stack per environment of ${PIPELINE_MODEL_FILE}.
// cdk.json runs it from the repository root ("${CDK_APP_COMMAND}").
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addPipelineStacks, readPipelineModel } from 'generator-legacy-mlops';

const projectDir = process.cwd();
const app = new App();
addPipelineStacks(app, readPipelineModel(projectDir), projectDir);
// Any AWS Solutions finding not acknowledged (with a reason) in the construct fails the synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
`;

export class CdkApp extends Component {
  constructor(project: Project, model: PipelineModelFile) {
    super(project);
    new JsonFile(project, PIPELINE_MODEL_FILE, { obj: model, readonly: true, newline: true });
    const main = new TextFile(project, CDK_APP_ENTRYPOINT, { readonly: true });
    main.addLine(`// ${main.marker}`);
    for (const line of MAIN_TS.split('\n')) main.addLine(line);
    project.deps.addDependency(`cdk-nag@${CDK_NAG_VERSION}`, DependencyType.BUILD);
    // The bucket outlives `npx projen destroy` (fixed name, RETAIN): CloudFormation adopts it on the next
    // deploy instead of failing with "already exists" (CreateChangeSet ImportExistingResources).
    project.tasks.tryFind('deploy')?.reset(`cdk deploy ${IMPORT_RETAINED_RESOURCES}`, { receiveArgs: true });
    project.addTask('start', {
      description: 'Start an execution of the deployed pipeline and follow it until it ends: --env <name>, --input <file>, --name <execution name>',
      exec: 'legacy-mlops start',
      receiveArgs: true,
    });
  }
}
