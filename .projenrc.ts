// The legacy-mlops repository is itself a projen project: this file is the
// single source of truth for package.json, tsconfig*.json, jest config and tasks.
import { JsonFile, javascript, typescript } from 'projen';

const NODE_MIN = '22.18.0';
const VERSION = '0.1.0';

const project = new typescript.TypeScriptProject({
  name: 'generator-legacy-mlops',
  description:
    'Scaffold legacy ML Python code into a SageMaker + Step Functions repository (projen project type, Yeoman generators, local runner).',
  keywords: ['yeoman-generator', 'projen', 'sagemaker', 'step-functions', 'mlops', 'legacy'],
  license: 'Apache-2.0',
  authorName: 'legacy-mlops maintainers',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsx() },
  typescriptVersion: '~6.0',
  minNodeVersion: NODE_MIN,
  github: false,
  release: false,
  eslint: false,
  prettier: false,
  jest: false, // configured below: ts-jest in ESM mode under --experimental-vm-modules
  sampleCode: false,
  srcdir: 'src',
  libdir: 'lib',
  testdir: 'test',
  entrypoint: 'lib/src/index.js',
  entrypointTypes: 'lib/src/index.d.ts',
  disableTsconfigDev: false,
  tsconfig: {
    include: ['src/**/*.ts', 'generators/**/*.ts'],
    compilerOptions: {
      rootDir: '.',
      outDir: 'lib',
      module: 'NodeNext',
      moduleResolution: javascript.TypeScriptModuleResolution.NODE_NEXT,
      target: 'ES2023',
      lib: ['ES2023'],
      types: ['node'],
      esModuleInterop: true,
      skipLibCheck: true,
      resolveJsonModule: true,
      isolatedModules: true,
      inlineSourceMap: true,
      inlineSources: true,
      experimentalDecorators: false,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      strict: true,
    },
  },
  tsconfigDev: { compilerOptions: { types: ['node', 'jest'] } },
  deps: [
    'projen@0.103.25',
    'constructs@^10.5.0',
    'aws-cdk-lib@2.276.0',
    'yeoman-generator@^10.2.1',
    'yeoman-environment@^7.1.0',
    'inquirer@^14.2.5',
    'ejs@^7.0.2',
    'execa@^10.2.1',
    '@aws-sdk/client-sfn@^3.1162.0',
    '@aws-sdk/client-sts@^3.1169.0',
    // `legacy-mlops doctor`: read-only preflight checks against the account (src/doctor/).
    '@aws-sdk/client-cloudformation@^3.1169.0',
    '@aws-sdk/client-ecr@^3.1169.0',
    '@aws-sdk/client-iam@^3.1169.0',
    '@aws-sdk/client-s3@^3.1175.0',
    '@aws-sdk/client-service-quotas@^3.1138.0',
    '@aws-sdk/client-ssm@^3.1169.0',
    // One credential resolution for every doctor client, with short IMDS/container timeouts (no credentials: answer within 5 s).
    '@aws-sdk/credential-providers@^3.1169.0',
    // start's report page: the last lines of each job's CloudWatch log
    '@aws-sdk/client-cloudwatch-logs@^3.1169.0',
    // The registry-resume function is bundled at synth time (src/construct/function-bundle.ts); tsx brings the same.
    'esbuild@^0.28.2',
    'asl-validator@^4.0.0',
    'aws-local-stepfunctions@^3.0.0',
    'ajv@^8.20.0',
    // closest valid key for an unknown option (did you mean …?)
    'fastest-levenshtein@^1.0.16',
    'tsx@^4.23.15',
    // The construct acknowledges cdk-nag findings with reasons; the add-stage editor walks .projenrc.ts with the TS compiler API.
    'cdk-nag@^3.0.2',
    'typescript@~6.0',
    // PEP 440 versions: the nearest available version of a pin the image has and this machine's index lacks.
    '@renovatebot/pep440@^5.0.1',
    // The run report page lays out the state machine graph (pure JS, no DOM) and draws it as inline SVG.
    '@dagrejs/dagre@^3.1.3',
    // `--from` reads legacy state machines written in YAML, and legacy Dockerfiles (the parser behind VS Code's Docker support).
    'yaml@^2.9.1',
    'dockerfile-ast@^0.7.1',
  ],
  devDeps: [
    'jest@^30.5.2',
    'ts-jest@^29.4.15',
    '@types/jest@^30.0.0',
    '@types/ejs@^3.1.5',
    'fast-check@^4.10.2',
    'yeoman-test@^11.8.2',
    'yo@^7.0.1',
    '@cloud-copilot/iam-policy',
    '@cloud-copilot/iam-simulate',
    'aws-cdk@2.1148.1',
    'aws-sdk-client-mock@^4.1.0',
    // Source of src/model/instance-types.ts (`npx projen instance-types`); nothing shipped imports it.
    '@aws-sdk/client-sagemaker@^3.1142.0',
    // Node 24 from the npm registry: npm puts node_modules/.bin first on PATH for scripts, so `npm run demo`
    // and `npm test` run on a supported Node where the machine's is older (Node 20).
    'node@^24',
    // Drives Debian's chromium (never a downloaded browser) to check the run report page as a person sees it.
    'playwright-core@^1.65.1',
  ],
  bin: {
    'create-legacy-mlops': 'lib/src/cli/create.js',
    'legacy-mlops': 'lib/src/cli/legacy-mlops.js',
  },
  npmignoreEnabled: true,
  gitignore: ['.local/', '*.tgz', '__pycache__/'],
});

// ESM-only dependencies (yeoman, execa, aws-local-stepfunctions) make this an ESM package.
project.package.addField('type', 'module');
project.package.addVersion(VERSION);
project.package.addField('exports', {
  '.': { types: './lib/src/index.d.ts', default: './lib/src/index.js' },
  // The project type without the CDK construct: what a generated .projenrc.ts imports (synthesis never loads aws-cdk-lib).
  './project': { types: './lib/src/project/index.d.ts', default: './lib/src/project/index.js' },
  './package.json': './package.json',
});
project.package.addField('files', ['lib/src', 'lib/generators', 'templates', 'README.md']);
// npm 11 blocks install scripts: only esbuild (under tsx) and node (fetches its platform binary) need one.
project.package.addField('allowScripts', { esbuild: true, node: true, yo: false, '@parcel/watcher': false });

// The thin `create-legacy-mlops` package (npx create-legacy-mlops, npm init legacy-mlops) moves in lockstep with this one.
new JsonFile(project, 'src/create-package/package.json', {
  obj: {
    name: 'create-legacy-mlops',
    version: VERSION,
    description: 'npx create-legacy-mlops / npm init legacy-mlops: turn legacy ML Python scripts into a SageMaker Processing + Step Functions repository',
    keywords: ['create', 'legacy', 'mlops', 'sagemaker', 'step-functions', 'projen'],
    license: 'Apache-2.0',
    type: 'module',
    bin: { 'create-legacy-mlops': 'bin/index.js' },
    files: ['bin'],
    engines: { node: `>= ${NODE_MIN}` },
    dependencies: { 'generator-legacy-mlops': VERSION },
  },
});

new JsonFile(project, 'jest.config.json', {
  obj: {
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'test/tsconfig.json' }] },
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testTimeout: 120000,
    maxWorkers: 2,
    // Local runs in tests use the test interpreter as given, unless a test asks for stage environments.
    setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  },
});

const jest = 'node --experimental-vm-modules node_modules/jest/bin/jest.js';
project.testTask.reset();
project.testTask.exec('tsc --noEmit -p test/tsconfig.json', { name: 'typecheck' });
project.testTask.exec(`${jest} --passWithNoTests`, { receiveArgs: true });
project.addTask('test:fast', { description: 'All tests but the end-to-end ones in test/e2e/ (npm pack, real projen, yo and CLI processes over a whole project)', exec: `${jest} --testPathIgnorePatterns /test/e2e/`, receiveArgs: true });
project.addTask('demo', {
  description: 'The main job end to end: scaffold the sample project into .local/demo and run its pipeline locally',
  steps: [
    // Everything of the previous demo but its stage environments (content-addressed: the demo reuses those that still match).
    // The system shell (sh): projen's own cross-platform shell has no `if` or `find -exec`.
    {
      exec: 'if [ -d .local/demo ]; then find .local/demo -mindepth 1 -maxdepth 2 ! -path .local/demo/.local ! -path .local/demo/.local/envs -prune -exec rm -rf {} +; rmdir .local/demo/.local .local/demo 2>/dev/null || true; fi',
      shell: 'system',
    },
    { exec: 'tsx src/cli/legacy-mlops.ts demo .local/demo', receiveArgs: true },
  ],
});
project.addTask('instance-types', {
  description: 'Regenerate src/model/instance-types.ts from the SageMaker SDK enums',
  exec: 'tsx test/tools/generate-instance-types.ts',
});
// The options' shape validators, compiled ahead of time by ajv (standalone code): no process loads ajv's compiler to
// validate options. The build regenerates them; test/model/options-validators.test.ts fails when the committed file is stale.
const validators = project.addTask('validators', {
  description: 'Regenerate src/model/options-validators.ts from the option schemas (ajv standalone code)',
  exec: 'tsx test/tools/generate-validators.ts',
});
project.preCompileTask.spawn(validators);
project.addTask('bench', { description: 'Print synthesis and runner timings', exec: 'tsx test/bench/run.ts', receiveArgs: true });

project.synth();
