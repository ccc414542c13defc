/** Writes the generated repo's README (managed: it documents the managed pipeline and follows every change). */
import { Component, TextFile, type Project } from 'projen';
import { buildReadme } from '../docs/readme.js';
import type { ResolvedPipeline } from '../model/types.js';
import { PIPELINE_FILES } from './paths.js';

export class PipelineReadme extends Component {
  constructor(project: Project, pipeline: ResolvedPipeline) {
    super(project);
    const readme = new TextFile(project, PIPELINE_FILES.readme, { readonly: true });
    // projen's own marker lets it recognise the file as managed (and stay quiet about it).
    readme.addLine(`<!-- ${readme.marker} -->`);
    readme.addLine(buildReadme(pipeline));
  }
}
