/**
 * The deploy workflow's `test` job: `npx projen test` (each stage's tests, validate, a local run of the
 * whole pipeline on the sample data) on every push and pull request, before any deploy job. The run's
 * report page and report.json are kept as an artifact, also when the run fails.
 */
import { github } from 'projen';
import type { ResolvedPipeline } from '../model/types.js';

const { JobPermission } = github.workflows;
type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;

export const TEST_JOB_ID = 'test';
export const RUN_REPORT_ARTIFACT = 'local-run-report';
const PYTHON_VERSION = '3.12';

/**
 * What the prebuilt framework images bring that the stage scripts import, installed into the runner's Python
 * (the local jobs run there): the stages' own requirements.txt files add the rest.
 */
const FRAMEWORK_PACKAGES: Record<string, readonly string[]> = {
  sklearn: ['scikit-learn', 'joblib'],
  xgboost: ['xgboost', 'scikit-learn', 'joblib'],
  pytorch: ['torch'],
};
const BASE_PACKAGES = ['pandas', 'numpy'];

/** Packages the stages' local jobs import from their prebuilt images, in a stable order. */
export function imagePackages(pipeline: ResolvedPipeline): string[] {
  const packages = new Set(BASE_PACKAGES);
  for (const stage of pipeline.stages) {
    if (stage.image.source === 'framework') for (const name of FRAMEWORK_PACKAGES[stage.image.framework.name] ?? []) packages.add(name);
  }
  return [...packages];
}

export function testJob(pipeline: ResolvedPipeline, setup: readonly JobStep[]): Job {
  return {
    name: 'Test: stage tests, validate, local pipeline run',
    runsOn: ['ubuntu-latest'],
    permissions: { contents: JobPermission.READ },
    steps: [
      ...setup,
      {
        name: 'Set up Python',
        uses: 'actions/setup-python@v5',
        with: { 'python-version': PYTHON_VERSION, cache: 'pip', 'cache-dependency-path': 'stages/*/requirements.txt' },
      },
      // Per-stage virtual environments of local runs, rebuilt only when a requirements file changes.
      { name: 'Cache the local Python environments', uses: 'actions/cache@v4', with: { path: '.local/venvs', key: "local-venvs-${{ runner.os }}-${{ hashFiles('stages/*/requirements.txt') }}" } },
      {
        name: 'Install what the stages import',
        run: `python -m pip install ${imagePackages(pipeline).join(' ')} && for file in stages/*/requirements.txt; do python -m pip install -r "$file"; done`,
      },
      // The direct backend: the jobs run on the runner's Python, with no container engine or sandbox to set up.
      { name: 'Stage tests, validate and a local run (npx projen test)', run: 'npx projen test --backend direct' },
      {
        name: 'Keep the run report',
        if: 'always()',
        uses: 'actions/upload-artifact@v4',
        with: { name: RUN_REPORT_ARTIFACT, path: '.local/runs/*/report.*', 'if-no-files-found': 'warn', 'include-hidden-files': true },
      },
    ],
  };
}
