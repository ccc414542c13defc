/**
 * Writes each stage's code (stub script, starter test, requirements.txt, Dockerfile) and the sample data
 * only when absent: from then on they are the user's, never overwritten and never cleaned up
 * (projen's SampleFile is not tracked in .projen/files.json).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Component } from 'projen/lib/component.js';
import { SampleFile } from 'projen/lib/sample-file.js';
import type { Project } from 'projen/lib/project.js';
import type { ResolvedPipeline } from '../model/types.js';
import { renderSampleData, renderSmokeTest, renderStageFiles, renderStageTest } from '../stages/index.js';

export class StageCode extends Component {
  /** Every file it writes when absent (relative to the project's outdir). */
  public readonly paths: readonly string[];

  constructor(project: Project, pipeline: ResolvedPipeline) {
    super(project);
    // Raw data the user brought (an imported legacy repository's data files) replaces the sample.
    const rawDir = join(project.outdir, 'data', 'raw');
    const hasOwnData = existsSync(rawDir) && readdirSync(rawDir).some((f) => !f.startsWith('.'));
    // A starter test is written with the stub it tests; a script already there (imported legacy code)
    // gets a smoke test instead, which runs it untouched. Either is written only when no test is there.
    const starterTest = (stage: ResolvedPipeline['stages'][number]) => {
      const script = join(project.outdir, 'stages', stage.name, stage.entryScript);
      return existsSync(script) ? renderSmokeTest(stage, pipeline, readFileSync(script, 'utf8')) : renderStageTest(stage, pipeline);
    };
    const files = [
      ...pipeline.stages.flatMap((stage) => [...renderStageFiles(stage, pipeline), ...starterTest(stage)]),
      ...(hasOwnData ? [] : renderSampleData(pipeline)),
    ];
    for (const file of files) new SampleFile(project, file.path, { contents: file.content });
    this.paths = files.map((f) => f.path);
  }
}
