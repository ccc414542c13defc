/**
 * The AWS SDK v3 clients `doctor` asks, sharing one credential resolution. Short timeouts and one
 * retry: a preflight must answer quickly (no credentials: within 5 seconds), not wait out the SDK's
 * default back-off. The credentials are resolved before any client module loads, and the
 * clients of the account checks only once the identity is the account's.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

export interface AccountClients {
  readonly ssm: SSMClient;
  readonly s3: S3Client;
  readonly serviceQuotas: ServiceQuotasClient;
  readonly iam: IAMClient;
  readonly sfn: SFNClient;
  readonly cloudFormation: CloudFormationClient;
  /** ECR in the image's region (an `imageUri` may live in another region). */
  readonly ecr: (region: string) => ECRClient;
}

export interface DoctorClients {
  /** Resolves the credentials once (rejects without any); asked before any client module loads. */
  readonly credentials: () => Promise<unknown>;
  readonly sts: () => Promise<STSClient>;
  /** The clients of the other checks, created once the credentials are known to be the account's. */
  readonly account: () => Promise<AccountClients>;
}

/** Per request: connecting may take 3 s, an answer 10 s; one retry. */
export const CLIENT_LIMITS = { maxAttempts: 2, requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } } as const;

export function awsClients(region: string): DoctorClients {
  // The instance/container metadata lookups of the chain give up after 1 s without retrying.
  const chain = fromNodeProviderChain({ timeout: 1_000, maxRetries: 0 });
  let resolved: ReturnType<typeof chain> | undefined;
  const credentials = () => (resolved ??= chain());
  const config = { region, credentials, ...CLIENT_LIMITS };
  return {
    credentials,
    sts: async () => new (await import('@aws-sdk/client-sts')).STSClient(config),
    account: () => accountClients(config),
  };
}

async function accountClients(config: { region: string } & Record<string, unknown>): Promise<AccountClients> {
  const [cfn, ecrModule, iam, s3, quotas, sfn, ssm] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-ecr'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-service-quotas'),
    import('@aws-sdk/client-sfn'),
    import('@aws-sdk/client-ssm'),
  ]);
  const ecr = new Map<string, ECRClient>();
  return {
    ssm: new ssm.SSMClient(config),
    // A bucket in another region answers with a redirect: follow it, and report its region.
    s3: new s3.S3Client({ ...config, followRegionRedirects: true }),
    serviceQuotas: new quotas.ServiceQuotasClient(config),
    iam: new iam.IAMClient(config),
    sfn: new sfn.SFNClient(config),
    cloudFormation: new cfn.CloudFormationClient(config),
    ecr: (imageRegion) => {
      let client = ecr.get(imageRegion);
      if (!client) {
        client = new ecrModule.ECRClient({ ...config, region: imageRegion });
        ecr.set(imageRegion, client);
      }
      return client;
    },
  };
}
