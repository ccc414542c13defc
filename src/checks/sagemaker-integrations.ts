/**
 * The Task resources legacy-mlops knows, as the request-shape checks see them: one row per resource of
 * `TASK_INTEGRATION_FACTS` (src/asl/task-resources.ts), derived from its ARN and facts, so a new
 * resource needs no row here. Each row: the style and action of the ARN, the API operation its
 * Parameters are sent to (none for S3: its request is not a checked shape), the botocore service whose
 * model has that operation, and a plausible response.
 */
import { TASK_RESOURCES, integrationFacts, resourceParts, type IntegrationFacts, type TaskResource } from '../asl/task-resources.js';

export type SageMakerIntegrationStyle = 'sagemaker' | 'aws-sdk:sagemaker' | 'aws-sdk:s3' | 'aws-sdk:cloudwatch' | 'sns';

export interface SageMakerIntegration {
  /** `sagemaker` for `arn:<partition>:states:::sagemaker:<action>`; `aws-sdk:<service>` for AWS SDK integrations. */
  readonly style: SageMakerIntegrationStyle;
  /** The action after the style, e.g. `createProcessingJob`, `getObject`. */
  readonly action: string;
  /** The API operation (service-model name) the resolved Parameters are sent to; absent when no model is checked (S3). */
  readonly operation?: string;
  /** The botocore service whose model has `operation`. @default 'sagemaker' */
  readonly service?: 'sagemaker' | 'sns' | 'cloudwatch';
  /** True when the call pauses for a task token (`.waitForTaskToken`), the only way it is used. */
  readonly waitsForToken?: boolean;
  /** See IntegrationFacts.nameMember. */
  readonly nameMember?: string;
  /** True for jobs: `.sync` waits for the job to end, and is what a pipeline needs. */
  readonly runsJob: boolean;
  readonly response: IntegrationFacts['response'];
}

/** The botocore service of a style: `aws-sdk:cloudwatch` → cloudwatch; SageMaker's optimized integrations → sagemaker. */
function serviceOf(style: string): SageMakerIntegration['service'] {
  const service = style.replace(/^aws-sdk:/, '');
  return service === 'sagemaker' ? undefined : (service as SageMakerIntegration['service']);
}

function integrationOf(resource: TaskResource): SageMakerIntegration {
  const parts = resourceParts(resource);
  if (!parts) throw new Error(`Task resource ${resource} is not an arn:aws:states::: integration ARN`);
  const facts = integrationFacts(resource);
  const service = serviceOf(parts.style);
  return {
    style: parts.style as SageMakerIntegrationStyle,
    action: parts.action,
    ...(facts.shapeChecked === false ? {} : { operation: parts.action[0].toUpperCase() + parts.action.slice(1) }),
    ...(service ? { service } : {}),
    ...(parts.suffix === '.waitForTaskToken' ? { waitsForToken: true } : {}),
    ...(facts.nameMember ? { nameMember: facts.nameMember } : {}),
    runsJob: parts.suffix === '.sync',
    response: facts.response,
  };
}

export const SAGEMAKER_INTEGRATIONS: readonly SageMakerIntegration[] = TASK_RESOURCES.map(integrationOf);
export interface ParsedResource {
  readonly integration: SageMakerIntegration;
  readonly sync: boolean;
  /** Set when the suffix is not one this integration supports. */
  readonly suffixProblem?: string;
}

/** The integration a Task resource ARN calls, or undefined when it is not one in the table. */
export function parseSageMakerResource(resource: unknown): ParsedResource | undefined {
  const parts = typeof resource === 'string' ? resourceParts(resource) : undefined;
  if (!parts) return undefined;
  const integration = SAGEMAKER_INTEGRATIONS.find((row) => row.style === parts.style && row.action === parts.action);
  if (!integration) return undefined;
  const suffix = parts.suffix;
  if (integration.waitsForToken) {
    return suffix === '.waitForTaskToken' ? { integration, sync: false } : { integration, sync: false, suffixProblem: `${integration.style}:${integration.action} is used to wait for a decision: add .waitForTaskToken` };
  }
  if (suffix === '.waitForTaskToken') {
    return { integration, sync: false, suffixProblem: `${integration.style} integrations do not support .waitForTaskToken` };
  }
  if (suffix === '.sync' && !integration.runsJob) {
    return { integration, sync: false, suffixProblem: `${integration.action} is request/response only; it has no .sync variant` };
  }
  return { integration, sync: suffix === '.sync' };
}

/** The SageMaker API operation a Task resource calls, e.g. `CreateProcessingJob`; undefined when unknown. */
export function operationForResource(resource: unknown): string | undefined {
  return parseSageMakerResource(resource)?.integration.operation;
}

/** The known Task resources, as the state machines use them (`aws` partition). */
export function knownResourceExamples(): string[] {
  return [...TASK_RESOURCES];
}
