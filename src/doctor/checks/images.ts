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

export async function checkImage(check: ImageCheck, ecr: ECRClient): Promise<CheckResult> {
  const stages = `stage${check.stages.length > 1 ? 's' : ''} ${check.stages.join(', ')}`;
  const fix =
    check.origin === 'framework'
      ? `pick a framework version published in ${check.region} (framework.version in .projenrc.ts)`
      : `push the image to ${check.imageUri.split(/[:@](?=[^/]*$)/)[0]}, or correct imageUri of ${stages}`;
  let answer;
  try {
    answer = await ecr.send(new BatchGetImageCommand({ registryId: check.registryId, repositoryName: check.repository, imageIds: [check.imageId] }));
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
    return pass(check, `exists${mediaType ? ` (${mediaType})` : ''}, used by ${stages}`);
  }
  const failure = answer.failures?.[0];
  if (!failure || failure.failureCode === 'ImageNotFound' || failure.failureCode === 'ImageTagDoesNotMatchDigest') {
    return fail(check, `${check.imageUri} does not exist${failure ? ` (${failure.failureCode})` : ''}, used by ${stages}`, fix);
  }
  return couldNotCheck(check, `ecr:BatchGetImage answered ${failure.failureCode}: ${failure.failureReason ?? ''}`.trim());
}
