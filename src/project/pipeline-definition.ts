/** Writes the state machine, the sample execution input and its schema: managed, read-only, regenerated. */
import { Component } from 'projen/lib/component.js';
import { JsonFile } from 'projen/lib/json.js';
import type { Project } from 'projen/lib/project.js';
import type { StateMachineDefinition } from '../asl/types.js';
import { buildExecutionInput, buildExecutionInputSchema } from '../input/execution-input.js';
import type { ResolvedPipeline } from '../model/types.js';
import { PIPELINE_FILES } from '../model/repo-layout.js';

export class PipelineDefinition extends Component {
  constructor(project: Project, pipeline: ResolvedPipeline, definition: StateMachineDefinition) {
    super(project);
    // ASL and IAM files are consumed by AWS tools: no projen "//" marker key inside them.
    const managed = { marker: false, readonly: true, newline: true } as const;
    new JsonFile(project, PIPELINE_FILES.stateMachine, { ...managed, obj: definition });
    new JsonFile(project, PIPELINE_FILES.executionInput, { ...managed, obj: buildExecutionInput(pipeline) });
    new JsonFile(project, PIPELINE_FILES.executionInputSchema, { ...managed, obj: buildExecutionInputSchema(pipeline) });
  }
}
