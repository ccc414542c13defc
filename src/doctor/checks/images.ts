/**
 * The stage images exist: ECR BatchGetImage on the image's registry and region. It is the call a
 * pull makes, so the repository policies of SageMaker's prebuilt images (AWS-owned accounts) allow
 * it for every account where the image is published; DescribeImages is not granted on them. When the
 * caller's own policies deny BatchGetImage, the answer is "could not check", not a failure.
 */
import { BatchGetImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { ImageCheck } from '../plan.js';
import { classifyAwsError, errorName, whyNotChecked } from '../aws-errors.js';
import { couldNotCheck, fail, pass, type CheckResult } from '../types.js';

/**
 * Asked explicitly so that ECR answers with the manifest as pushed: SageMaker's CreateModel refuses OCI
 * manifests ("Unsupported manifest media type application/vnd.oci.image.manifest.v1+json":
 * aws/amazon-sagemaker-feedback#180, mlflow/mlflow#13834), so their type is reported.
 */
export const ACCEPTED_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

export async function checkImage(check: ImageCheck, ecr: ECRClient): Promise<CheckResult> {
  const stages = `stage${check.stages.length > 1 ? 's' : ''} ${check.stages.join(', ')}`;
  const fix =
    check.origin === 'framework'
      ? `pick a framework version published in ${check.region} (framework.version in .projenrc.ts)`
      : `push the image to ${check.imageUri.split(/[:@](?=[^/]*$)/)[0]}, or correct imageUri of ${stages}`;
  let answer;
  try {
    answer = await ecr.send(new BatchGetImageCommand({ registryId: check.registryId, repositoryName: check.repository, imageIds: [check.imageId], acceptedMediaTypes: ACCEPTED_MEDIA_TYPES }));
  } catch (error) {
    if (errorName(error) === 'RepositoryNotFoundException') {
      return fail(check, `no repository ${check.repository} in registry ${check.registryId} (${check.region}), used by ${stages}`, fix);
    }
    const denied = classifyAwsError(error).kind === 'denied';
    const note = denied && check.origin === 'framework' ? ' (the image is in an AWS-owned registry: its policy allows pulls, the caller\'s own policies must allow ecr:BatchGetImage too)' : '';
    return couldNotCheck(check, `${whyNotChecked(error, `ecr:BatchGetImage on ${check.imageUri}`)}${note}`);
  }
  if ((answer.images ?? []).length > 0) {
    const mediaType = answer.images?.[0].imageManifestMediaType;
    if (mediaType?.startsWith('application/vnd.oci.') && check.origin === 'uri') {
      const rebuild = 'rebuild and push it with Docker media types: `docker buildx build --provenance=false --output type=docker …`, then `docker push`';
      if (check.servesModel) return fail(check, `${check.imageUri} was pushed as ${mediaType}, which SageMaker's CreateModel refuses ("Unsupported manifest media type")`, rebuild);
      return pass(check, `exists (${mediaType}: SageMaker's CreateModel refuses OCI manifests; if a job does too, ${rebuild}), used by ${stages}`);
    }
    return pass(check, `exists${mediaType ? ` (${mediaType})` : ''}, used by ${stages}`);
  }
  const failure = answer.failures?.[0];
  if (!failure || failure.failureCode === 'ImageNotFound' || failure.failureCode === 'ImageTagDoesNotMatchDigest') {
    return fail(check, `${check.imageUri} does not exist${failure ? ` (${failure.failureCode})` : ''}, used by ${stages}`, fix);
  }
  return couldNotCheck(check, `ecr:BatchGetImage answered ${failure.failureCode}: ${failure.failureReason ?? ''}`.trim());
}
