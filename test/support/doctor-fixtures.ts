/**
 * Shared by the doctor tests: every AWS client mocked (aws-sdk-client-mock), answers under which every
 * check passes, a project folder with its pipeline model, and a check of each request sent against
 * the service's botocore input shape.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { HeadBucketCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { ListAWSDefaultServiceQuotasCommand, ListServiceQuotasCommand, ServiceQuotasClient, type ServiceQuota } from '@aws-sdk/client-service-quotas';
import { DescribeStateMachineCommand, SFNClient, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { checkRequestShape, loadServiceModel, type Finding } from '../../src/checks/index.js';
import { runDoctorCommand } from '../../src/cli/doctor.js';
import { buildPipelineModel, PIPELINE_MODEL_FILE } from '../../src/construct/pipeline-model.js';
import type { DoctorClients } from '../../src/doctor/clients.js';
import type { PipelineOptions } from '../../src/model/types.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const BASE: PipelineOptions = { name: 'churn', account: ACCOUNT, region: REGION };
export const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/ml-deploy/alice`;

export const mocks = {
  sts: mockClient(STSClient),
  ssm: mockClient(SSMClient),
  s3: mockClient(S3Client),
  serviceQuotas: mockClient(ServiceQuotasClient),
  iam: mockClient(IAMClient),
  sfn: mockClient(SFNClient),
  cloudFormation: mockClient(CloudFormationClient),
  ecr: mockClient(ECRClient),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one loop over eight differently typed stubs
type AnyStub = AwsStub<any, any, any>;

/** Each mocked client and the botocore folder of its service model. */
const BOTOCORE_SERVICE: Readonly<Record<keyof typeof mocks, string>> = {
  sts: 'sts',
  ssm: 'ssm',
  s3: 's3',
  serviceQuotas: 'service-quotas',
  iam: 'iam',
  sfn: 'stepfunctions',
  cloudFormation: 'cloudformation',
  ecr: 'ecr',
};

/** An SDK-shaped service error (name, message, HTTP status) for the answers no modeled exception class covers. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

export function deniedError(action: string, resource = '*'): Error {
  return awsError('AccessDeniedException', `User: ${CALLER} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`);
}

export function quota(name: string, value: number | undefined, code = 'L-0A1B2C3D'): ServiceQuota {
  return { ServiceCode: 'sagemaker', QuotaName: name, QuotaCode: code, Value: value };
}

/** Answers under which every check passes for the default pipeline (and role, imageUri, endpoint variants). */
export function everythingPasses(): void {
  for (const mock of Object.values(mocks)) (mock as AnyStub).reset();
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER, UserId: 'AROAEXAMPLE:alice' });
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/cdk-bootstrap/hnb659fds/version', Value: '21', Type: 'String' } });
  mocks.s3.on(HeadBucketCommand).rejects(new NotFound({ message: 'NotFound', $metadata: { httpStatusCode: 404 } }));
  mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: ['processing job', 'training job', 'transform job', 'endpoint'].flatMap((u) => ['ml.m5.large', 'ml.m5.xlarge', 'ml.t2.medium'].map((t) => quota(`${t} for ${u} usage`, 4))) });
  mocks.serviceQuotas.on(ListAWSDefaultServiceQuotasCommand).resolves({ Quotas: [] });
  mocks.ecr.on(BatchGetImageCommand).callsFake((input: { imageIds: object[] }) => ({ images: [{ imageId: input.imageIds[0], imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json' }], failures: [] }));
  mocks.iam.on(GetRoleCommand).callsFake((input: { RoleName: string }) => ({
    Role: {
      RoleName: input.RoleName,
      Arn: `arn:aws:iam::${ACCOUNT}:role/${input.RoleName}`,
      Path: '/',
      RoleId: 'AROAEXAMPLE',
      CreateDate: new Date(),
      AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trustPolicy(input.RoleName.includes('sfn') ? 'states.amazonaws.com' : 'sagemaker.amazonaws.com'))),
    },
  }));
  mocks.sfn.on(DescribeStateMachineCommand).rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));
}

export function trustPolicy(service: string | string[], condition?: object): object {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }] };
}

/** Clients with fixed credentials: their `send` is the mocks'. */
export function mockedClients(region: string): DoctorClients {
  const config = { region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
  return {
    credentials: async () => config.credentials,
    sts: async () => new STSClient(config),
    account: async () => ({
      ssm: new SSMClient(config),
      s3: new S3Client(config),
      serviceQuotas: new ServiceQuotasClient(config),
      iam: new IAMClient(config),
      sfn: new SFNClient(config),
      cloudFormation: new CloudFormationClient(config),
      ecr: (imageRegion: string) => new ECRClient({ ...config, region: imageRegion }),
    }),
  };
}

const dirs: string[] = [];

export function projectDir(options: Partial<PipelineOptions> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'pipeline'));
  writeFileSync(join(dir, PIPELINE_MODEL_FILE), JSON.stringify(buildPipelineModel({ ...BASE, ...options }), null, 2));
  return dir;
}

export function removeProjectDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const mock of Object.values(mocks)) (mock as AnyStub).restore();
}

export interface DoctorRun {
  readonly code: number;
  readonly out: string;
  readonly err: string[];
  /** The JSON report (when run with --json). */
  json(): { ok: boolean; checks: { id: string; title: string; status: string; detail: string; fix?: string }[] };
  status(id: string): string | undefined;
  check(id: string): { id: string; status: string; detail: string; fix?: string };
}

export async function doctor(options: Partial<PipelineOptions> = {}, argv: string[] = ['--json'], clients = mockedClients): Promise<DoctorRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDoctorCommand(argv, projectDir(options), { clients, out: (t) => out.push(t), err: (l) => err.push(l) });
  const text = out.join('\n');
  const json = () => JSON.parse(text) as ReturnType<DoctorRun['json']>;
  const check = (id: string) => {
    const found = json().checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${json().checks.map((c) => c.id).join(', ')}`);
    return found;
  };
  return { code, out: text, err, json, status: (id) => json().checks.find((c) => c.id === id)?.status, check };
}

/**
 * Every request sent, checked against its botocore input shape (members, required, patterns, ranges).
 * Returns the findings and the operations the machine's botocore model cannot check (it predates
 * their input members).
 */
export async function sentRequestProblems(): Promise<{ findings: Finding[]; uncheckable: string[]; operations: string[] }> {
  const findings: Finding[] = [];
  const uncheckable = new Set<string>();
  const operations = new Set<string>();
  for (const [key, mock] of Object.entries(mocks) as [keyof typeof mocks, AnyStub][]) {
    const calls = mock.calls();
    if (calls.length === 0) continue;
    const lookup = await loadServiceModel(BOTOCORE_SERVICE[key]);
    if (!lookup.found) throw new Error(`no botocore model for ${BOTOCORE_SERVICE[key]}: ${lookup.hint}`);
    for (const call of calls) {
      const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      const operation = command.constructor.name.replace(/Command$/, '');
      operations.add(operation);
      const definition = lookup.model.operations[operation];
      if (definition && !definition.input && Object.values(command.input).some((v) => v !== undefined)) {
        uncheckable.add(operation);
        continue;
      }
      const input = Object.fromEntries(Object.entries(command.input).filter(([, v]) => v !== undefined));
      findings.push(...(definition?.input ? checkRequestShape(operation, input, lookup.model, `${BOTOCORE_SERVICE[key]}:${operation}`) : definition ? [] : [{ check: 'request-shape', location: operation, message: `no operation ${operation} in ${BOTOCORE_SERVICE[key]}` }]));
    }
  }
  return { findings, uncheckable: [...uncheckable].sort(), operations: [...operations].sort() };
}
