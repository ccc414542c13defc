/** In-process synthesis for the scaffolder and tests: writes every file, installs nothing. */
import { LegacyMlopsProject, type LegacyMlopsProjectOptions } from './legacy-mlops-project.js';

export function synthesizeProject(options: LegacyMlopsProjectOptions, outdir: string): LegacyMlopsProject {
  const previous = process.env.PROJEN_DISABLE_POST;
  // projen's post-synth step would run `npm install` (or `npm ci` under CI=true, which fails without a lockfile).
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    const project = new LegacyMlopsProject({ ...options, outdir });
    project.synth();
    return project;
  } finally {
    if (previous === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = previous;
  }
}
