/** Writes the generated repo's README (managed: it documents the managed pipeline and follows every change). */
import { Component } from 'projen/lib/component.js';
import { SampleFile } from 'projen/lib/sample-file.js';
import { TextFile } from 'projen/lib/textfile.js';
import type { Project } from 'projen/lib/project.js';
import { buildReadme, REPORT_SCREENSHOT_PATH } from '../docs/readme.js';
import { findTemplatesRoot } from '../stages/template-files.js';
import { join } from 'node:path';
import type { ResolvedPipeline } from '../model/types.js';
import { PIPELINE_FILES } from '../model/repo-layout.js';

export class PipelineReadme extends Component {
  constructor(project: Project, pipeline: ResolvedPipeline) {
    super(project);
    const readme = new TextFile(project, PIPELINE_FILES.readme, { readonly: true });
    // projen's own marker lets it recognise the file as managed (and stay quiet about it).
    readme.addLine(`<!-- ${readme.marker} -->`);
    readme.addLine(buildReadme(pipeline));
    // The screenshot the README shows: written once, the user's to replace with one of their own runs.
    new SampleFile(project, REPORT_SCREENSHOT_PATH, { sourcePath: join(findTemplatesRoot(), REPORT_SCREENSHOT_PATH) });
  }
}
