/** Writes the least-privilege IAM documents derived from the ASL: managed, read-only, regenerated. */
import { Component } from 'projen/lib/component.js';
import { JsonFile } from 'projen/lib/json.js';
import type { Project } from 'projen/lib/project.js';
import type { StateMachineDefinition } from '../asl/types.js';
import { buildApproverPolicy, buildIamDocuments } from '../iam/index.js';
import type { ResolvedPipeline } from '../model/types.js';
import { OPTIONAL_PIPELINE_FILES, PIPELINE_FILES } from '../model/repo-layout.js';

export class IamDocuments extends Component {
  constructor(project: Project, definition: StateMachineDefinition, pipeline: ResolvedPipeline) {
    super(project);
    const docs = buildIamDocuments(definition, pipeline);
    const managed = { marker: false, readonly: true, newline: true } as const;
    new JsonFile(project, PIPELINE_FILES.stateMachineRolePolicy, { ...managed, obj: docs.stateMachineRolePolicy });
    new JsonFile(project, PIPELINE_FILES.stateMachineRoleTrust, { ...managed, obj: docs.stateMachineRoleTrust });
    new JsonFile(project, PIPELINE_FILES.sageMakerExecutionRolePolicy, { ...managed, obj: docs.sageMakerExecutionRolePolicy });
    new JsonFile(project, PIPELINE_FILES.sageMakerExecutionRoleTrust, { ...managed, obj: docs.sageMakerExecutionRoleTrust });
    const approvers = buildApproverPolicy(pipeline);
    if (approvers) new JsonFile(project, OPTIONAL_PIPELINE_FILES.approverPolicy, { ...managed, obj: approvers });
  }
}
