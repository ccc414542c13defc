/**
 * The registry reads of promotion in a local run: ListModelPackages answers from the emulated registry
 * (`.local/registry/<group>/<version>.json`, where register stages and `legacy-mlops approve` write), and
 * a CreateModel naming a version takes that version's image, model data and environment, as SageMaker does.
 */
import { TaskError } from '../errors.js';
import { asObject, callEmulator, type Json } from './call-emulator.js';
import { localRegistryVersions, type LocalModelPackage } from './governance-calls.js';

/** The versions ListModelPackages returns: filtered by status, sorted (CreationTime, then version number), at most MaxResults. */
export function listLocalVersions(registryDir: string, request: Json): LocalModelPackage[] {
  const group = String(request.ModelPackageGroupName ?? '');
  const status = request.ModelApprovalStatus === undefined ? undefined : String(request.ModelApprovalStatus);
  const descending = request.SortOrder === 'Descending';
  const found = localRegistryVersions(registryDir, group)
    .filter((v) => status === undefined || v.ModelApprovalStatus === status)
    .sort((a, b) => a.CreationTime.localeCompare(b.CreationTime) || a.ModelPackageVersion - b.ModelPackageVersion);
  if (descending) found.reverse();
  const max = typeof request.MaxResults === 'number' ? request.MaxResults : 100;
  return found.slice(0, max);
}

export const listModelPackagesEmulator = callEmulator('SageMaker ListModelPackages (local registry)', (request, state, run) => {
  const versions = listLocalVersions(run.registryDir, request);
  const group = String(request.ModelPackageGroupName ?? '');
  const newest = versions[0];
  run.log(`  ${state.name}: ${newest ? `version ${newest.ModelPackageVersion} of ${group} (${newest.ModelApprovalStatus} ${newest.ApprovalDescription ?? ''})`.trim() : `no ${String(request.ModelApprovalStatus ?? '')} version of ${group}`}`);
  return {
    ModelPackageSummaryList: versions.map((v) => ({
      ModelPackageGroupName: v.ModelPackageGroupName,
      ModelPackageVersion: v.ModelPackageVersion,
      ModelPackageArn: v.ModelPackageArn,
      CreationTime: v.CreationTime,
      ModelPackageStatus: 'Completed',
      ModelApprovalStatus: v.ModelApprovalStatus,
    })),
  };
});

/** The container a version was registered with (the first of its InferenceSpecification), as CreateModel would use it. */
export function versionContainer(registryDir: string, arn: string): Json {
  const [, group, number] = /model-package\/([^/]+)\/(\d+)$/.exec(arn) ?? [];
  const version = group ? localRegistryVersions(registryDir, group).find((v) => v.ModelPackageVersion === Number(number)) : undefined;
  if (!version) throw new TaskError('SageMaker.ValidationException', `Model package ${arn} does not exist in the local registry (${registryDir})`);
  const containers = asObject(version.InferenceSpecification).Containers;
  const container = asObject(Array.isArray(containers) ? containers[0] : undefined);
  return { Image: container.Image, ModelDataUrl: container.ModelDataUrl, Environment: asObject(container.Environment) };
}
