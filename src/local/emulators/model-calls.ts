/**
 * Request/response calls a local run answers without running anything:
 * - CreateModel records the model (name, image, artifact, environment) for the transform jobs that run it;
 * - S3 GetObject reads the local S3 folder (the metric gate's report);
 * - the endpoint calls are not emulated: a real-time endpoint needs the serving image and a network
 *   endpoint, so each call answers as if it succeeded, creates nothing, and the run says so.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { TaskError } from '../errors.js';
import { asObject, callEmulator, stageOfState, type Json } from './call-emulator.js';
import { sageMakerArn } from './training-job.js';
import { versionContainer } from './promotion-calls.js';
import type { TaskEmulator } from './types.js';
import { SAGEMAKER_NAME_PATTERN } from '../../model/rules.js';

export const createModelEmulator = callEmulator('SageMaker CreateModel', (request, state, run) => {
  const given = asObject(request.PrimaryContainer);
  // A registry version: SageMaker takes its image, model data and environment as registered.
  const container = typeof given.ModelPackageName === 'string' ? versionContainer(run.registryDir, given.ModelPackageName) : given;
  const name = String(request.ModelName ?? '');
  const image = String(container.Image ?? '');
  const modelDataUrl = String(container.ModelDataUrl ?? '');
  if (!SAGEMAKER_NAME_PATTERN.test(name)) throw new TaskError('SageMaker.ValidationException', `ModelName '${name}' must be 1-63 letters, digits or hyphens`);
  if (run.models.has(name)) throw new TaskError('SageMaker.ValidationException', `Cannot create already existing model "${name}"`);
  // SageMaker checks the artifact is there before it accepts the model.
  const local = modelDataUrl.startsWith('s3://') ? run.s3.pathOf(modelDataUrl) : '';
  if (!local || !existsSync(local) || !statSync(local).isFile()) {
    throw new TaskError('SageMaker.ValidationException', `Could not find model data at ${modelDataUrl} (local S3: ${local || 'not an s3:// URI'})`);
  }
  const arn = sageMakerArn(String(request.ExecutionRoleArn ?? ''), image, 'model', name);
  run.models.set(name, { name, arn, stateName: state.name, image, modelDataUrl, environment: asObject(container.Environment) as Record<string, string> });
  run.log(`  ${state.name}: model ${name} recorded (artifact ${modelDataUrl})`);
  return { ModelArn: arn };
});

export const s3GetObjectEmulator = callEmulator('S3 GetObject (AWS SDK)', (request, state, run) => {
  const uri = `s3://${String(request.Bucket)}/${String(request.Key)}`;
  const path = run.s3.pathOf(uri);
  if (!existsSync(path) || !statSync(path).isFile()) {
    // The AWS SDK integration names S3's NoSuchKey error like this (the Exception suffix is added).
    throw new TaskError('S3.NoSuchKeyException', `The specified key does not exist: ${uri} (local S3: ${path})`);
  }
  const body = readFileSync(path, 'utf8');
  run.log(`  ${state.name}: read ${uri}`);
  return { Body: body, ContentLength: Buffer.byteLength(body), ContentType: 'application/json', LastModified: statSync(path).mtime.toISOString() };
});

/** Answers an endpoint call as if it succeeded, with a notice that nothing was deployed. */
function notEmulated(what: string, answer: (request: Json, arnOf: (type: string, name: string) => string) => Json): TaskEmulator {
  return callEmulator(`${what} (not emulated: answered, nothing deployed)`, (request, state, run) => {
    run.notice(`stage '${stageOfState(state)}' deploys a real-time endpoint, which local runs do not emulate: its calls are answered and skipped, no endpoint is created`);
    return answer(request, (type, name) => sageMakerArn(undefined, undefined, type, name));
  });
}

export const ENDPOINT_EMULATORS = {
  createEndpointConfig: notEmulated('SageMaker CreateEndpointConfig', (r, arnOf) => ({ EndpointConfigArn: arnOf('endpoint-config', String(r.EndpointConfigName)) })),
  // An empty list: the stage goes the create way.
  listEndpoints: notEmulated('SageMaker ListEndpoints', () => ({ Endpoints: [] })),
  createEndpoint: notEmulated('SageMaker CreateEndpoint', (r, arnOf) => ({ EndpointArn: arnOf('endpoint', String(r.EndpointName)) })),
  updateEndpoint: notEmulated('SageMaker UpdateEndpoint', (r, arnOf) => ({ EndpointArn: arnOf('endpoint', String(r.EndpointName)) })),
  describeEndpoint: notEmulated('SageMaker DescribeEndpoint', (r, arnOf) => ({
    EndpointName: String(r.EndpointName),
    EndpointArn: arnOf('endpoint', String(r.EndpointName)),
    EndpointStatus: 'InService',
  })),
} as const;
