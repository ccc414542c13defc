/**
 * The deploy workflow's `test` job: `npx projen test` (each stage's tests, validate, a local run of the
 * whole pipeline on the sample data) on every push and pull request, before any deploy job. The run's
 * report page and report.json are kept as an artifact, also when the run fails.
 */
import { JobPermission, type Job, type JobStep } from 'projen/lib/github/workflows-model.js';
import { PIPELINE_MODEL_FILE } from '../construct/pipeline-model.js';


export const TEST_JOB_ID = 'test';
export const RUN_REPORT_ARTIFACT = 'local-run-report';
const PYTHON_VERSION = '3.12';

export function testJob(setup: readonly JobStep[]): Job {
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
      // Each stage's local Python environment (its image's packages + its requirements), rebuilt when what it depends on changes.
      {
        name: 'Cache the stages\' local Python environments',
        uses: 'actions/cache@v4',
        with: { path: '.local/envs', key: `local-envs-\${{ runner.os }}-python${PYTHON_VERSION}-\${{ hashFiles('stages/*/requirements.txt', 'stages/*/Dockerfile', '${PIPELINE_MODEL_FILE}') }}` },
      },
      // The direct backend: the jobs run in the stages' environments on the runner, with no container engine or sandbox to set up.
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
