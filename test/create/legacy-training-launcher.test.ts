/**
 * The launcher `--from` writes beside a legacy script-mode training script: it must do what the
 * sagemaker-training-toolkit does (aws/sagemaker-training-toolkit: mapping.to_cmd_args,
 * Environment.to_env_vars, ExecuteUserScriptError) and pack the serving code into the model.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAUNCHER_SCRIPT, renderLauncher } from '../../src/create/legacy-training-launcher.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

const PYTHON = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';

function jobFolder(hyperparameters: Record<string, string>, script: string) {
  const root = trackedMkdtemp(path.join(os.tmpdir(), 'launcher-'));
  const optMl = path.join(root, 'opt-ml');
  const code = path.join(optMl, 'input/data/code');
  fs.mkdirSync(path.join(optMl, 'input/config'), { recursive: true });
  fs.mkdirSync(path.join(optMl, 'model'), { recursive: true });
  fs.mkdirSync(path.join(code, 'serving'), { recursive: true });
  fs.writeFileSync(path.join(optMl, 'input/config/hyperparameters.json'), JSON.stringify(hyperparameters));
  fs.writeFileSync(path.join(optMl, 'input/config/inputdataconfig.json'), JSON.stringify({ train: { TrainingInputMode: 'File' }, test: { TrainingInputMode: 'File' } }));
  fs.writeFileSync(path.join(optMl, 'input/config/resourceconfig.json'), JSON.stringify({ current_host: 'algo-1', hosts: ['algo-1'], current_instance_type: 'ml.m5.xlarge' }));
  fs.writeFileSync(path.join(code, 'train.py'), script);
  fs.writeFileSync(path.join(code, 'inference.py'), 'def model_fn(d):\n    return d\n');
  fs.writeFileSync(path.join(code, 'serving/requirements.txt'), 'joblib\n');
  fs.writeFileSync(path.join(code, LAUNCHER_SCRIPT), renderLauncher('train.py', [{ source: 'inference.py', target: 'inference.py' }, { source: 'serving/requirements.txt', target: 'requirements.txt' }], 'sklearn 1.2-1'));
  const run = () => spawnSync(PYTHON, [path.join(code, LAUNCHER_SCRIPT)], { env: { ...process.env, LEGACY_MLOPS_OPT_ML: optMl }, encoding: 'utf8' });
  return { optMl, code, run };
}

const DUMP = 'import json, os, sys\nprint(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(), "env": {k: v for k, v in os.environ.items() if k.startswith("SM_")}}))\n';

test('hyperparameters become sorted arguments (one-letter names as -x, JSON decoded, sagemaker_ keys dropped) and SM_* variables', () => {
  const job = jobFolder({ C: '0.5', max_iter: '500', flag: 'true', name: 'churn', layers: '{"b": 2, "a": 1}', sagemaker_program: 'train.py' }, DUMP);
  const result = job.run();
  expect(result.status).toBe(0);
  const dumped = JSON.parse(result.stdout.split('\n').find((l) => l.startsWith('{'))!);
  expect(dumped.argv).toEqual(['-C', '0.5', '--flag', 'True', '--layers', 'a=1,b=2', '--max_iter', '500', '--name', 'churn']);
  expect(dumped.cwd).toBe(job.code);
  expect(dumped.env).toMatchObject({
    SM_HP_C: '0.5',
    SM_HP_MAX_ITER: '500',
    SM_HP_FLAG: 'true',
    SM_HP_NAME: 'churn',
    SM_HP_LAYERS: '{"a":1,"b":2}',
    SM_MODEL_DIR: path.join(job.optMl, 'model'),
    SM_CHANNEL_TRAIN: path.join(job.optMl, 'input/data/train'),
    SM_CHANNEL_TEST: path.join(job.optMl, 'input/data/test'),
    SM_CHANNELS: '["test","train"]',
    SM_OUTPUT_DATA_DIR: path.join(job.optMl, 'output/data'),
    SM_CURRENT_HOST: 'algo-1',
    SM_HOSTS: '["algo-1"]',
    SM_CURRENT_INSTANCE_TYPE: 'ml.m5.xlarge',
    SM_USER_ENTRY_POINT: 'train.py',
    SM_MODULE_NAME: 'train',
    SM_NUM_GPUS: '0',
  });
  expect(JSON.parse(dumped.env.SM_HPS)).toEqual({ C: 0.5, max_iter: 500, flag: true, name: 'churn', layers: { a: 1, b: 2 } });
  expect(dumped.env.SM_HP_SAGEMAKER_PROGRAM).toBeUndefined();
  // The serving code lands in the model's code/ folder, under the names the model serves.
  expect(fs.readdirSync(path.join(job.optMl, 'model/code')).sort()).toEqual(['inference.py', 'requirements.txt']);
});

test('a failing legacy script fails the job with its exit code and the toolkit\'s ExecuteUserScriptError, and packs nothing', () => {
  const job = jobFolder({}, 'import sys\nsys.exit(3)\n');
  const result = job.run();
  expect(result.status).toBe(3);
  expect(fs.readFileSync(path.join(job.optMl, 'output/failure'), 'utf8')).toMatch(/^ExecuteUserScriptError:\nExitCode 3\nErrorMessage ""\nCommand ".*train\.py"$/);
  expect(fs.existsSync(path.join(job.optMl, 'model/code'))).toBe(false);
});

test('the rendered launcher compiles', () => {
  const job = jobFolder({}, 'pass\n');
  execFileSync(PYTHON, ['-m', 'py_compile', path.join(job.code, LAUNCHER_SCRIPT)]);
});
