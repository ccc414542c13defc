/** The generated README's section on local Python environments: where they live, how to rebuild, how they compare with the images. Pure. */
import { describePackageSet, frameworkImageOf, imagePackageSet, type ImagePackageSet } from '../model/framework-packages.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';

function packageSetOf(stage: ResolvedStage): ImagePackageSet | undefined {
  const framework =
    stage.image.source === 'framework' ? { framework: stage.image.framework.name, version: stage.image.framework.version } : frameworkImageOf(stage.image.imageUri);
  return framework ? imagePackageSet(framework.framework, framework.version) : undefined;
}

function pinsOf(set: ImagePackageSet): string {
  const pinned = Object.entries(set.packages).map(([name, spec]) => (spec ? `${name} ${spec.replace(/^==/, '')}` : name));
  return `Python ${set.python}; ${pinned.join(', ')}`;
}

export function localEnvironmentsSection(pipeline: ResolvedPipeline): string[] {
  const rows = pipeline.stages.flatMap((stage) => {
    const set = packageSetOf(stage);
    if (!set) return stage.image.source === 'dockerfile' ? [`| \`${stage.name}\` | what \`${stage.image.dockerfile}\` pip-installs (built with Docker when an engine answers) |`] : [];
    const source = `[${set.source.repository}@${set.source.ref}](https://github.com/${set.source.repository}/tree/${encodeURIComponent(set.source.ref)})`;
    return [`| \`${stage.name}\` | the ${describePackageSet(set)}: ${pinsOf(set)} (read from ${source}) + \`${stage.codeDir}/requirements.txt\` |`];
  });
  return [
    '## Local Python environments',
    '',
    '`npx projen local` runs each stage in a Python virtual environment that looks like its image, built from `python3` ' +
      '(or `LEGACY_MLOPS_PYTHON`, or `--python`) on the first run, then reused from `.local/envs/<hash>/` while nothing it depends on changes ' +
      '(files a requirements file includes with `-r` or `-c` count too, and so do the wheels and folders its lines name, such as `./wheels/x.whl` or `-e ../lib`; ' +
      'those must lie inside this repository). Stages that need the same packages share one. Before any job starts, every module a stage imports is checked against its environment.',
    '',
    '**Installer.** When [uv](https://docs.astral.sh/uv/) is on your PATH the environments are built with it (`uv venv`, `uv pip install`), otherwise with pip; ' +
      'the build\'s progress line names the one used. Both install from the package index you configured for pip (pip.conf, `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, ' +
      '`PIP_FIND_LINKS`, …): uv does not read pip\'s settings, so they are handed to it on its command line, unless uv has an index configuration of its own ' +
      '(`UV_INDEX_URL`, `UV_DEFAULT_INDEX`, `uv.toml`, `[tool.uv]`), which it then uses. Set `LEGACY_MLOPS_INSTALLER=pip` to build with pip even when uv is there ' +
      '(`LEGACY_MLOPS_INSTALLER=uv` insists on uv). Which versions the index has is asked of the index itself, so the notices below are the same with either installer.',
    '',
    '| Stage | Environment |',
    '| --- | --- |',
    ...rows,
    '',
    'When the package index lacks an image\'s exact version, the nearest available one is installed and the run says so, stage by stage ' +
      '(for a training stage: a model trained with other versions may not load in the image). The environments need Python 3.10 or newer; ' +
      'the run also says when the image\'s Python differs from yours. These notices are shown once, when the environment is built, and listed in ' +
      'its `notices.txt`; later runs print one line pointing there. `npx projen local -- --rebuild-envs` builds the environments again; ' +
      '`npx projen local -- --no-envs` runs every stage on the interpreter itself, with its own packages.',
    '',
  ];
}
