/**
 * The default demo project run locally with stage environments on (as a user gets it), against a
 * package index this test assembles: real wheels fetched with `pip download` from the machine's
 * configured index into a folder, with two versions of numpy and none of the scikit-learn 1.4-2
 * image's exact versions, and pip told to read only that folder. Asserts the environments' contents, the notices (stage, package, image version, local version; the image's Python), a
 * successful run on an interpreter whose own packages are not used, and the cache hit on the second run.
 * Slow (real installs of pandas, scipy, scikit-learn, pyarrow): LEGACY_MLOPS_SLOW=1 only.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipelineLocally } from '../../src/local/index.js';
import { synthesizeProject } from '../../src/project/synthesize.js';
import { withPackageIndex } from '../support/package-index.js';
import { PYTHON } from '../support/generated-repo.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

const slow = process.env.LEGACY_MLOPS_SLOW === '1';
const IMAGE_PACKAGES = ['scikit-learn', 'numpy', 'scipy', 'pandas', 'pyarrow', 'boto3'];

/** Versions of each distribution in a find-links folder, by normalized name. */
function versionsIn(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.whl'))) {
    const [name, version] = file.split('-');
    const key = name.toLowerCase().replace(/[-_.]+/g, '-');
    found.set(key, [...(found.get(key) ?? []), version]);
  }
  return found;
}

(slow ? describe : describe.skip)('the default demo with stage environments against an index the test assembles', () => {
  test('builds the environments its stages need, says how they differ from the images, runs, and reuses them', async () => {
    const index = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-demo-index-'));
    const download = (args: string[]) =>
      execFileSync(PYTHON, ['-m', 'pip', 'download', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', index, ...args], { env: { ...process.env, PIP_RETRIES: '0' }, timeout: 600_000, stdio: 'pipe' });
    download(IMAGE_PACKAGES);
    download(['--no-deps', 'numpy==2.1.3']);
    const available = versionsIn(index);
    expect(available.get('numpy')?.length).toBe(2);
    expect(available.get('scikit-learn')).not.toContain('1.4.2');

    const repo = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-demo-envs-'));
    synthesizeProject({ name: 'demo', region: 'eu-west-1', account: '111122223333' }, repo);
    const lines: string[] = [];
    const run = () => withPackageIndex(index, () => runPipelineLocally({ repoRoot: repo, backend: 'bwrap', python: PYTHON, envs: true, log: (line) => lines.push(line) }));

    const first = await run();
    const output = lines.join('\n');
    expect(first.status).toBe('SUCCEEDED');
    // Two environments: preprocess and postprocess share the scikit-learn image's; predict (a container
    // stage, no engine here) gets what its Dockerfile installs.
    expect(output.match(/building its Python environment/g)).toHaveLength(2);
    const envsDir = join(repo, '.local', 'envs');
    const pointers = JSON.parse(readFileSync(join(envsDir, 'stages.json'), 'utf8')) as Record<string, string>;
    expect(pointers.preprocess).toBe(pointers.postprocess);
    expect(pointers.predict).not.toBe(pointers.preprocess);
    const installed = (stage: string) => (JSON.parse(readFileSync(join(envsDir, pointers[stage], 'legacy-mlops-env.json'), 'utf8')) as { installed: Record<string, string> }).installed;
    const sklearn = available.get('scikit-learn')![0];
    const pandas = available.get('pandas')![0];
    // numpy: the nearest of the two to the image's 2.1.0.
    expect(installed('preprocess')).toMatchObject({ 'scikit-learn': sklearn, numpy: '2.1.3', pandas });
    expect(installed('predict')).toMatchObject({ numpy: '2.1.3', pandas });
    expect(first.notices).toContain(`stage 'predict': stages/predict/requirements.txt asks for pandas==2.2.3, which the package index lacks; installed ${pandas} (the nearest available)`);

    const python = execFileSync(PYTHON, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
    for (const stage of ['preprocess', 'postprocess']) {
      expect(first.notices).toContain(`stage '${stage}': the scikit-learn 1.4-2 image runs Python 3.10; its local environment runs Python ${python}`);
      const differences = (first.notices ?? []).find((n) => n.startsWith(`stage '${stage}': the package index lacks the scikit-learn 1.4-2 image's versions:`));
      expect(differences).toContain(`scikit-learn ${sklearn} here, 1.4.2 in the image`);
      expect(differences).toContain('numpy 2.1.3 here, 2.1.0 in the image');
      expect(differences).not.toContain('model');
    }

    // Second run: the environments as they were, no installer run.
    const logs = [pointers.preprocess, pointers.predict].map((key) => join(envsDir, key, 'install.log'));
    const before = logs.map((log) => statSync(log).mtimeMs);
    lines.length = 0;
    const second = await run();
    expect(second.status).toBe('SUCCEEDED');
    expect(lines.join('\n')).not.toContain('building its Python environment');
    expect(logs.map((log) => statSync(log).mtimeMs)).toEqual(before);
  }, 1_800_000);
});
