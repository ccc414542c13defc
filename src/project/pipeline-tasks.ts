/** The generated repo's pipeline tasks, each backed by the `legacy-mlops` command of this package. */
import { Component } from 'projen/lib/component.js';
import type { Project } from 'projen/lib/project.js';

export class PipelineTasks extends Component {
  constructor(project: Project) {
    super(project);
    project.addTask('validate', {
      description: 'Check the generated pipeline offline (ASL, SageMaker request shapes, input schema, Python sources)',
      exec: 'legacy-mlops validate',
      receiveArgs: true,
    });
    project.addTask('local', {
      description: 'Run the state machine locally on .local/s3 (no AWS account): --backend bwrap|direct|docker, --input <file>, --python <path>',
      exec: 'legacy-mlops local',
      receiveArgs: true,
    });
    project.addTask('doctor', {
      description: 'Check the AWS account before deploying (read-only): credentials, CDK bootstrap, bucket, SageMaker quotas, images, roles, state machine name; --env <name>, --json',
      exec: 'legacy-mlops doctor',
      receiveArgs: true,
    });
    // `npx projen test` (and so `npx projen build`): stage tests, validate, a local run; each skippable by a flag.
    project.testTask.exec('legacy-mlops test', { receiveArgs: true });
  }
}
