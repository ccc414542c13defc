import {
  ProcessingInstanceType,
  ProductionVariantInstanceType,
  TrainingInstanceType,
  TransformInstanceType,
} from '@aws-sdk/client-sagemaker';
import { readdirSync, readFileSync } from 'node:fs';
import {
  ENDPOINT_INSTANCE_TYPES,
  PROCESSING_INSTANCE_TYPES,
  TRAINING_INSTANCE_TYPES,
  TRANSFORM_INSTANCE_TYPES,
} from '../../src/model/instance-types.js';
import { renderInstanceTypes } from '../tools/generate-instance-types.js';

const sorted = (values: Record<string, string>) => [...new Set(Object.values(values))].sort();

describe('instance-type data generated from the SDK', () => {
  test.each([
    ['processing', PROCESSING_INSTANCE_TYPES, ProcessingInstanceType],
    ['training', TRAINING_INSTANCE_TYPES, TrainingInstanceType],
    ['transform', TRANSFORM_INSTANCE_TYPES, TransformInstanceType],
    ['endpoint', ENDPOINT_INSTANCE_TYPES, ProductionVariantInstanceType],
  ] as const)('%s types equal the SDK enum', (_kind, data, sdkEnum) => {
    expect([...data]).toEqual(sorted(sdkEnum));
    expect(data.length).toBeGreaterThan(50);
  });

  test('the committed file is what the generator writes today (run `npx projen instance-types` when this fails)', () => {
    const committed = readFileSync(new URL('../../src/model/instance-types.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderInstanceTypes());
  });

  test('nothing shipped imports the SageMaker client (it is a devDependency now)', () => {
    const root = new URL('../../', import.meta.url);
    const importers = ['src', 'generators']
      .flatMap((dir) => readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' }).map((file) => `${dir}/${file}`))
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /from '@aws-sdk\/client-sagemaker'/.test(readFileSync(new URL(file, root), 'utf8')));
    expect(importers).toEqual([]);
  });
});
