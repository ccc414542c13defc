/**
 * The Lambda entry point of the registry path (bundled by the CDK construct with esbuild; the AWS SDK
 * clients are the Lambda runtime's own). One JSON log line per event says what was done and why.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { configFromEnvironment, resumeFromRegistry, type RegistryEvent, type ResumeOutcome } from './registry-resume.js';

const clients = { sfn: new SFNClient({}), sagemaker: new SageMakerClient({}) };
const config = configFromEnvironment(process.env);

export async function handler(event: RegistryEvent): Promise<ResumeOutcome> {
  const outcome = await resumeFromRegistry(event, config, clients);
  console.log(JSON.stringify({ modelPackageArn: event.detail?.ModelPackageArn, status: event.detail?.ModelApprovalStatus, ...outcome }));
  return outcome;
}
