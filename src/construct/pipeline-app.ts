/** The generated repo's CDK app: one stack per environment of `pipeline/pipeline-model.json`. */
import { DefaultStackSynthesizer, Stack, type App } from 'aws-cdk-lib';
import { LegacyMlopsPipeline } from './legacy-mlops-pipeline.js';
import type { PipelineModelFile } from './pipeline-model.js';

export interface PipelineStack {
  readonly stack: Stack;
  readonly pipeline: LegacyMlopsPipeline;
}

export function addPipelineStacks(app: App, model: PipelineModelFile, projectDir: string): PipelineStack[] {
  return model.environments.map(({ environment, pipeline }) => {
    const stack = new Stack(app, environment.stackName, {
      stackName: environment.stackName,
      env: { account: environment.account, region: environment.region },
      description: `legacy-mlops pipeline ${pipeline.name}, environment ${environment.name}`,
      // Images go to the bootstrap repository of this qualifier, the one the execution role may pull from.
      synthesizer: new DefaultStackSynthesizer({ qualifier: pipeline.cdkQualifier }),
      tags: { 'legacy-mlops:project': pipeline.name, 'legacy-mlops:environment': environment.name },
    });
    return { stack, pipeline: new LegacyMlopsPipeline(stack, 'Pipeline', { pipeline, projectDir }) };
  });
}
