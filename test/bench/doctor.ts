/**
 * Issue 13: `legacy-mlops doctor` without credentials must say so within 5 s. Timed from command start to
 * exit on the published (compiled) layout, with nothing configured; once with the instance metadata
 * service disabled, once as a laptop has it (the chain's metadata lookups give up after 1 s).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildPipelineModel, PIPELINE_MODEL_FILE } from '../../src/construct/pipeline-model.js';
import { AWS_ISOLATION } from '../support/aws-isolation.js';
import { row, timeRuns } from './stats.js';

export async function benchDoctor(runs = 5): Promise<void> {
  const repo = process.cwd();
  await execa(join(repo, 'node_modules/.bin/tsc'), ['--build'], { cwd: repo });
  const bin = join(repo, 'lib/src/cli/legacy-mlops.js');
  const dir = mkdtempSync(join(tmpdir(), 'lmo-bench-doctor-'));
  try {
    mkdirSync(join(dir, 'pipeline'));
    writeFileSync(join(dir, PIPELINE_MODEL_FILE), JSON.stringify(buildPipelineModel({ name: 'bench', region: 'eu-west-1', account: '111122223333' })));
    const home = join(dir, 'home');
    mkdirSync(home);
    const env = (metadata: boolean) => {
      const e: Record<string, string | undefined> = { ...process.env, ...AWS_ISOLATION, HOME: home };
      if (metadata) delete e.AWS_EC2_METADATA_DISABLED;
      return e;
    };
    const doctor = (metadata: boolean) => async () => {
      const result = await execa(process.execPath, [bin, 'doctor'], { cwd: dir, env: env(metadata), extendEnv: false, reject: false, stdin: 'ignore' });
      if (result.exitCode !== 1 || !result.stderr.includes('no AWS credentials found')) throw new Error(`unexpected doctor answer: ${result.exitCode} ${result.stderr}`);
    };
    console.log('# doctor without credentials, command start to exit (target: under 5000 ms)');
    await doctor(false)(); // warm the file cache
    console.log(row('legacy-mlops doctor, metadata service disabled', await timeRuns(runs, doctor(false))));
    console.log(row('legacy-mlops doctor, metadata service asked', await timeRuns(runs, doctor(true))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
