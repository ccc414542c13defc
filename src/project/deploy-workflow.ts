/**
 * `.github/workflows/deploy.yml`: test (stage tests, validate, a local run), build, synthesize and check
 * that the committed files match `.projenrc.ts`, then deploy the synthesized cloud assembly to each environment
 * in order, each after `doctor` has checked its account (read-only). Each deploy job names its GitHub
 * Environment: protection rules on it (required
 * reviewers, e.g. on `prod`) are the approval gate. AWS credentials come from the GitHub OIDC
 * provider (`id-token: write`), never from stored keys.
 */
import { Component } from 'projen/lib/component.js';
import { GitHub } from 'projen/lib/github/github.js';
import { GithubWorkflow } from 'projen/lib/github/workflows.js';
import { JobPermission, type Job, type JobStep } from 'projen/lib/github/workflows-model.js';
import type { Project } from 'projen/lib/project.js';
import { consoleHost, stateMachineArn } from '../construct/deployed-input.js';
import type { PipelineModelFile } from '../construct/pipeline-model.js';
import { IMPORT_RETAINED_RESOURCES } from './cdk-app.js';
import { TEST_JOB_ID, testJob } from './test-job.js';


export const DEPLOY_WORKFLOW_FILE = '.github/workflows/deploy.yml';
/** Per GitHub Environment: the IAM role the deploy job assumes through OIDC (an Environment variable). */
export const DEPLOY_ROLE_VARIABLE = 'AWS_DEPLOY_ROLE_ARN';
export const CLOUD_ASSEMBLY_ARTIFACT = 'cloud-assembly';
const NODE_VERSION = '24';

export interface DeployWorkflowOptions {
  /** Branch whose pushes deploy. @default 'main' */
  readonly branch?: string;
}

export function deployJobId(environment: string): string {
  return `deploy-${environment}`;
}

export class DeployWorkflow extends Component {
  public readonly workflow: GithubWorkflow;

  constructor(project: Project, model: PipelineModelFile, options: DeployWorkflowOptions = {}) {
    super(project);
    const environments = model.environments;
    const name = environments[0].pipeline.name;
    const branch = options.branch ?? 'main';
    // The project type leaves projen's default workflows off; this adds only the GitHub component.
    const gh = GitHub.of(project) ?? new GitHub(project, { mergify: false, pullRequestLint: false });
    this.workflow = new GithubWorkflow(gh, 'deploy', { fileName: 'deploy.yml' });
    this.workflow.on({ push: { branches: [branch] }, pullRequest: {}, workflowDispatch: {} });

    const setup: JobStep[] = [
      { name: 'Check out', uses: 'actions/checkout@v4' },
      { name: 'Set up Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': NODE_VERSION, cache: 'npm' } },
      { name: 'Install dependencies', run: 'npm ci' },
    ];
    const build: Job = {
      name: 'Build, drift check and validate',
      runsOn: ['ubuntu-latest'],
      permissions: { contents: JobPermission.READ },
      steps: [
        ...setup,
        { name: 'Synthesize the project files from .projenrc.ts', run: 'npx projen --no-post' },
        // A generated file edited by hand, or .projenrc.ts changed without `npx projen`, fails here.
        { name: 'Drift check: committed files match .projenrc.ts', run: 'git add --all && git diff --staged --exit-code' },
        // Not `npx projen build`: its test step is the test job's, and runs the pipeline once, there.
        { name: 'Build (cdk synth with cdk-nag)', run: 'npx projen compile && npx projen post-compile' },
        { name: 'Validate the pipeline offline', run: 'npx projen validate' },
        { name: 'Keep the cloud assembly for the deploy jobs', uses: 'actions/upload-artifact@v4', with: { name: CLOUD_ASSEMBLY_ARTIFACT, path: 'cdk.out/', 'if-no-files-found': 'error', 'include-hidden-files': true } },
      ],
    };
    const jobs: Record<string, Job> = { [TEST_JOB_ID]: testJob(setup), build };

    // The first deploy waits for the tests and the build; each later one for the deploy before it.
    let previous: string[] = [TEST_JOB_ID, 'build'];
    for (const { environment: env, pipeline } of environments) {
      const arn = stateMachineArn(pipeline);
      const id = deployJobId(env.name);
      jobs[id] = {
        name: `Deploy to ${env.name} (${env.account}, ${env.region})`,
        needs: previous,
        if: `github.event_name != 'pull_request' && github.ref == 'refs/heads/${branch}'`,
        runsOn: ['ubuntu-latest'],
        environment: { name: env.name, url: `https://${consoleHost(pipeline.partition, env.region)}/states/home?region=${env.region}#/statemachines/view/${arn}` },
        // Never two deployments of one environment at once; a queued one waits instead of cancelling.
        concurrency: { group: id, 'cancel-in-progress': false },
        permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
        steps: [
          ...setup,
          { name: 'Fetch the tested cloud assembly', uses: 'actions/download-artifact@v4', with: { name: CLOUD_ASSEMBLY_ARTIFACT, path: 'cdk.out/' } },
          {
            name: 'AWS credentials (OIDC)',
            uses: 'aws-actions/configure-aws-credentials@v4',
            with: { 'role-to-assume': `\${{ vars.${DEPLOY_ROLE_VARIABLE} }}`, 'aws-region': env.region, 'role-session-name': `${name}-${env.name}-deploy` },
          },
          // Read-only preflight against this environment's account: a zero SageMaker quota, a missing
          // bootstrap or a bucket name taken elsewhere fails here, before CloudFormation changes anything.
          { name: `Preflight: doctor (${env.account}, ${env.region})`, run: `npx projen doctor --env ${env.name}` },
          // Deploys what the build job synthesized and tested, not a fresh synthesis.
          { name: `cdk deploy ${env.stackName}`, run: `npx cdk deploy --app cdk.out --require-approval never ${IMPORT_RETAINED_RESOURCES} ${env.stackName}` },
        ],
      };
      previous = [id];
    }
    this.workflow.addJobs(jobs);
  }
}
