import {
  ProcessingInstanceType,
  ProductionVariantInstanceType,
  TrainingInstanceType,
  TransformInstanceType,
} from '@aws-sdk/client-sagemaker';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
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

  // The registry-resume Lambda is the one exception: it is bundled with `@aws-sdk/*` left external
  // (src/construct/function-bundle.ts) and runs where the Lambda runtime provides the SDK.
  test('nothing the package loads imports the SageMaker client (it is a devDependency now); only the Lambda handler, bundled apart, does', () => {
    const root = new URL('../../', import.meta.url);
    const entries = ['src/index.ts', 'src/cli/create.ts', 'src/cli/legacy-mlops.ts', ...readdirSync(new URL('generators', root)).map((g) => `generators/${g}/index.ts`)];
    const reached = reachableModules(root, entries);
    expect([...reached].filter((file) => importsSageMakerClient(root, file))).toEqual([]);
    const lambdaOnly = reachableModules(root, ['src/approval/registry-resume-handler.ts']);
    const importers = ['src', 'generators']
      .flatMap((dir) => readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' }).map((file) => `${dir}/${file}`))
      .filter((file) => file.endsWith('.ts') && importsSageMakerClient(root, file));
    expect(importers.filter((file) => !lambdaOnly.has(file) || reached.has(file))).toEqual([]);
    expect(readFileSync(new URL('src/construct/function-bundle.ts', root), 'utf8')).toMatch(/external: \['@aws-sdk\/\*'\]/);
  });
});

function importsSageMakerClient(root: URL, file: string): boolean {
  return /from '@aws-sdk\/client-sagemaker'|import\('@aws-sdk\/client-sagemaker'\)/.test(readFileSync(new URL(file, root), 'utf8'));
}

/** The source files reached from `entries` through relative static and dynamic imports. */
function reachableModules(root: URL, entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(new URL(file, root), 'utf8');
    for (const [, spec] of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
      if (target.endsWith('.ts') && existsSync(new URL(target, root))) queue.push(target);
    }
  }
  return seen;
}
