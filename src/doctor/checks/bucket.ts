/**
 * The pipeline's bucket: absent (the stack creates it), or present and this account's. S3 bucket
 * names are global: HeadBucket with ExpectedBucketOwner answers 403 both for another account's bucket
 * and for a caller who may not ask, so a 403 is settled by whether the account's own bucket list
 * (ListBuckets, filtered by name) holds it.
 */
import { HeadBucketCommand, ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BucketCheck } from '../plan.js';
import { classifyAwsError, errorName, httpStatus, whyNotChecked } from '../aws-errors.js';
import { couldNotCheck, fail, pass, type CheckResult } from '../types.js';

/** ListBuckets pages read looking for the name (1000 buckets each; an account has far fewer). */
const MAX_LIST_PAGES = 10;

export async function checkBucket(check: BucketCheck, s3: S3Client): Promise<CheckResult> {
  let region: string | undefined;
  try {
    region = (await s3.send(new HeadBucketCommand({ Bucket: check.bucket, ExpectedBucketOwner: check.account }))).BucketRegion;
  } catch (error) {
    if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchBucket' || httpStatus(error) === 404) return absent(check);
    if (classifyAwsError(error).kind !== 'denied') return couldNotCheck(check, whyNotChecked(error, `s3:HeadBucket on ${check.bucket}`));
    return forbidden(check, s3);
  }
  return present(check, region);
}

function absent(check: BucketCheck): CheckResult {
  if (check.existing) {
    return fail(check, `bucket ${check.bucket} does not exist, and with existingBucket: true the stack does not create it`, `create the bucket in ${check.region}, or remove existingBucket from .projenrc.ts so the stack creates it`);
  }
  return pass(check, 'absent: the stack creates it');
}

function present(check: BucketCheck, region: string | undefined): CheckResult {
  // SageMaker jobs read and write S3 in their own region.
  if (region && region !== check.region) {
    return fail(check, `bucket ${check.bucket} is this account's but in ${region}, not ${check.region}`, `use a bucket in ${check.region}: set \`bucket\` to another name in .projenrc.ts`);
  }
  if (check.existing) return pass(check, `exists in account ${check.account}${region ? ` (${region})` : ''}: the stack uses it as it is`);
  return pass(check, `exists in account ${check.account}${region ? ` (${region})` : ''}: \`npx projen deploy\` takes it back into the stack (--import-existing-resources); its objects stay`);
}

async function forbidden(check: BucketCheck, s3: S3Client): Promise<CheckResult> {
  try {
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const listed = await s3.send(new ListBucketsCommand({ Prefix: check.bucket, ContinuationToken: token }));
      if ((listed.Buckets ?? []).some((b) => b.Name === check.bucket)) {
        return couldNotCheck(check, `bucket ${check.bucket} is this account's, but s3:HeadBucket (s3:ListBucket) on it was denied to the caller`);
      }
      token = listed.ContinuationToken;
      if (!token) break;
    }
  } catch (error) {
    return couldNotCheck(check, `s3:HeadBucket was refused (403) and ${whyNotChecked(error, 's3:ListAllMyBuckets')}: cannot tell whether another account owns ${check.bucket}`);
  }
  return fail(check, `the name ${check.bucket} belongs to a bucket of another account (S3 bucket names are global)`, 'choose another name: set `bucket` in .projenrc.ts (or remove it to derive <name>-<account>-<region>)');
}
