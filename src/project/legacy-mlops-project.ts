/**
 * `LegacyMlopsProject`: the projen project type of a generated repo. It only wires components:
 * every file's content comes from a pure function of the resolved pipeline model.
 */
// projen's root index loads every project type it has (about 620 modules, each paid again under the
// tsx runner); these paths load the ~340 this project type uses. Same module instances as the root's.
import { AwsCdkTypeScriptApp, type AwsCdkTypeScriptAppOptions } from 'projen/lib/awscdk/awscdk-app-ts.js';
import { NodePackageManager } from 'projen/lib/javascript/node-package.js';
import { TypeScriptRunner } from 'projen/lib/typescript/typescript-runner.js';
import { buildStateMachine } from '../asl/state-machine.js';
import { buildPipelineModel } from '../construct/pipeline-model.js';
import { resolvePipeline } from '../model/resolve.js';
import { pipelineWarnings } from '../model/warnings.js';
import { packageInfo } from '../package-info.js';
import type { PipelineOptions, ResolvedPipeline } from '../model/types.js';
import { CdkApp, CDK_APP_COMMAND } from './cdk-app.js';
import { DeployWorkflow } from './deploy-workflow.js';
import { IamDocuments } from './iam-documents.js';
import { PipelineDefinition } from './pipeline-definition.js';
import { PipelineReadme } from './pipeline-readme.js';
import { PipelineTasks } from './pipeline-tasks.js';
import { projectOptionShape } from './projen-option-keys.js';
import { printModelErrorsPlainly } from './uncaught-model-error.js';
import { refuseUnsafeLinks, SynthesisRefusedError } from './symlink-guard.js';
import { PipelineValidationError } from '../model/errors.js';
import { pickPipelineOptions } from '../model/options-schema.js';
import { LOCAL_DIR, SYNTH_OUTDIR_VARIABLE } from '../model/repo-layout.js';
import { StageCode } from './stage-code.js';


/** aws-cdk-lib the generated app builds against, and a CLI that reads its cloud assembly (REFERENCE §5). */
export const CDK_VERSION = '2.276.0';
export const CDK_CLI_VERSION = '2.1148.1';
export const MIN_NODE_VERSION = '22.18.0';

export interface LegacyMlopsProjectOptions
  extends PipelineOptions,
    Omit<AwsCdkTypeScriptAppOptions, 'name' | 'cdkVersion' | 'defaultReleaseBranch'> {
  /** @default '2.276.0' */
  readonly cdkVersion?: string;
  /** @default 'main' */
  readonly defaultReleaseBranch?: string;
  /**
   * npm spec of `generator-legacy-mlops` the repo depends on (for this project type and the `legacy-mlops` command).
   * @default '^<version that created the repo>'; tests use 'file:/path/to/generator-legacy-mlops-x.y.z.tgz'
   */
  readonly legacyMlopsVersion?: string;
}

function resolveOrReport(options: LegacyMlopsProjectOptions): ResolvedPipeline {
  try {
    // Projen's own options sit beside the pipeline options; any other key is a mistake to report.
    return resolvePipeline(options, projectOptionShape());
  } catch (error) {
    if (error instanceof PipelineValidationError) printModelErrorsPlainly();
    throw error;
  }
}

/** The one package in this package's runtime dependencies with an install script (checked against package-lock.json by a test). */
export const ESBUILD = 'esbuild';

export class LegacyMlopsProject extends AwsCdkTypeScriptApp {
  /** The validated pipeline model every file derives from. */
  public readonly pipeline: ResolvedPipeline;
  private readonly stageCode: StageCode;

  constructor(options: LegacyMlopsProjectOptions) {
    // Validate before projen does anything: an invalid model must not write a single file.
    const pipeline = resolveOrReport(options);
    const { legacyMlopsVersion, stages: _stages, region: _region, account: _account, bucket: _bucket, existingBucket: _existingBucket, existingRoles: _roles, pipelineTimeoutSeconds: _timeout, cdkQualifier: _qualifier, schedule: _schedule, notifications: _notifications, environments: _environments, fanOut: _fanOut, dashboard: _dashboard, ...projenOptions } = options;
    const ownPackage = packageInfo();
    const runner = TypeScriptRunner.tsx();
    super({
      defaultReleaseBranch: 'main',
      cdkVersion: CDK_VERSION,
      cdkCliVersion: CDK_CLI_VERSION,
      packageManager: NodePackageManager.NPM,
      minNodeVersion: MIN_NODE_VERSION,
      projenrcTs: true,
      projenrcTsOptions: { runner },
      runner,
      typescriptVersion: '~6.0',
      github: false,
      release: false,
      eslint: false,
      prettier: false,
      jest: false,
      sampleCode: false,
      licensed: false,
      app: CDK_APP_COMMAND,
      ...projenOptions,
      // `legacy-mlops validate` re-synthesizes elsewhere to compare (drift check).
      ...(process.env[SYNTH_OUTDIR_VARIABLE] ? { outdir: process.env[SYNTH_OUTDIR_VARIABLE] } : {}),
      name: options.name,
      deps: [`${ownPackage.name}@${legacyMlopsVersion ?? `^${ownPackage.version}`}`, ...(projenOptions.deps ?? [])],
      gitignore: [`${LOCAL_DIR}/`, '__pycache__/', '*.pyc', ...(projenOptions.gitignore ?? [])],
    });
    this.pipeline = pipeline;
    // npm 11 warns about, and npm 12 blocks, dependency install scripts the root package does not list. Of this
    // package's runtime tree only esbuild (tsx's and the CDK bundler's compiler) has one: it places the native binary.
    this.package.addField('allowScripts', { [ESBUILD]: true });
    for (const warning of pipelineWarnings(pipeline)) this.logger.warn(warning);

    // Resolved once: every component derives from this model, this state machine and these environments.
    const definition = buildStateMachine(pipeline);
    const pipelineModel = buildPipelineModel(pickPipelineOptions(options), pipeline);
    new PipelineDefinition(this, pipeline, definition);
    new IamDocuments(this, definition, pipeline);
    this.stageCode = new StageCode(this, pipeline);
    new PipelineReadme(this, pipeline);
    new PipelineTasks(this);
    new CdkApp(this, pipelineModel);
    new DeployWorkflow(this, pipelineModel, { branch: options.defaultReleaseBranch ?? 'main' });
  }

  /** Before projen writes or cleans up anything: no file may be written through a link out of the repo. */
  public override preSynthesize(): void {
    try {
      refuseUnsafeLinks(this.outdir, [...this.files.map((f) => f.path), ...this.stageCode.paths]);
    } catch (error) {
      if (error instanceof SynthesisRefusedError) printModelErrorsPlainly();
      throw error;
    }
    super.preSynthesize();
  }
}
