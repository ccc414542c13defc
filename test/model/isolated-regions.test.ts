/**
 * Isolated-partition regions (us-iso-*, us-isob-*, us-isof-*) are in the image table because AWS
 * publishes images there, but legacy-mlops does not deploy there: every path says so in one line,
 * instead of resolving them with the `aws` partition's ARNs and domains.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCreate } from '../../src/create/cli.js';
import { PUBLISHED_IMAGES } from '../../src/model/framework-image-data.js';
import { KNOWN_REGIONS, isolatedPartition, partitionOf, resolveFrameworkImage } from '../../src/model/framework-images.js';
import { validatePipeline } from '../../src/model/resolve.js';
import type { PipelineOptions } from '../../src/model/types.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

const regionsInData = [...new Set(Object.values(PUBLISHED_IMAGES).flatMap((versions) => versions.flatMap((v) => Object.keys(v.regions))))];
const isolated = regionsInData.filter((r) => isolatedPartition(r) !== undefined).sort();

test('the image table holds isolated regions, and each maps to its own partition', () => {
  expect(isolated).toEqual(['us-iso-east-1', 'us-isob-east-1', 'us-isof-east-1', 'us-isof-south-1']);
  expect(isolated.map(isolatedPartition)).toEqual(['aws-iso', 'aws-iso-b', 'aws-iso-f', 'aws-iso-f']);
  // The partitions we deploy to are not taken for isolated ones.
  expect(['us-east-1', 'cn-north-1', 'us-gov-west-1'].map((r) => [isolatedPartition(r), partitionOf(r)])).toEqual([[undefined, 'aws'], [undefined, 'aws-cn'], [undefined, 'aws-us-gov']]);
  expect(KNOWN_REGIONS.filter((r) => isolated.includes(r))).toEqual([]);
});

test.each(isolated)('%s: refused in one line naming its partition, as the project region and as an environment region; no image is resolved', (region) => {
  const partition = isolatedPartition(region)!;
  const line = `'${region}' is in the isolated partition ${partition}: legacy-mlops does not deploy there (its ARNs, service endpoints and image registries differ and cannot be checked offline); use a region of the aws, aws-cn or aws-us-gov partition`;
  const base: PipelineOptions = { name: 'churn', region: 'eu-west-1', account: '111122223333' };
  expect(validatePipeline({ ...base, region })).toEqual([{ path: 'region', message: line }]);
  expect(validatePipeline({ ...base, environments: [{ name: 'prod', account: '111122223333', region }] })).toEqual([{ path: 'environments[0] (prod).region', message: line }]);
  expect(resolveFrameworkImage('sklearn', '1.2-1', region)).toHaveProperty('error');
});

test('create --region us-isob-east-1 fails with one line and writes nothing', async () => {
  const parent = trackedMkdtemp(path.join(os.tmpdir(), 'isolated-'));
  const errors: string[] = [];
  const code = await runCreate(['churn', '--yes', '--region', 'us-isob-east-1', '--account', '111122223333', '--skip-install', '--no-git'], parent, { out: () => undefined, err: (l) => errors.push(l) });
  expect(code).not.toBe(0);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain("'us-isob-east-1' is in the isolated partition aws-iso-b");
  expect(fs.readdirSync(parent)).toEqual([]);
});
