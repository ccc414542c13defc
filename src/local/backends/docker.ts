/**
 * Docker: the closest to SageMaker. A stage with a Dockerfile runs the image built from it; a script
 * stage runs its framework image (which must be pullable: log in to its ECR registry first).
 * The job sandbox's opt/ml is mounted at /opt/ml.
 */
import { execFile } from 'node:child_process';
import type { StageCode } from '../stage-code.js';
import type { BackendProbe, ContainerJob, IsolationBackend, LaunchPlan } from './types.js';

export class DockerBackend implements IsolationBackend {
  readonly name = 'docker' as const;
  readonly usesLocalPython = false;
  /** Image each stage runs, decided in prepareStage. */
  private readonly images = new Map<string, string>();

  constructor(private readonly command = 'docker') {}

  async probe(): Promise<BackendProbe> {
    const result = await this.docker(['info', '--format', '{{.ServerVersion}}'], 15_000);
    if (result.ok) return { available: true, detail: `Docker engine ${result.stdout.trim()} answers` };
    if (result.missing) return { available: false, detail: 'the docker command is not installed' };
    return { available: false, detail: 'no engine answers `docker info`', diagnostic: lastLine(result.stderr) || undefined };
  }

  /** A stage built from its Dockerfile always can; one on a prebuilt image only when the image can be pulled. */
  async cannotRun(stage: StageCode, imageUri: string | undefined): Promise<string | undefined> {
    if (stage.dockerfile && !stage.script) return undefined;
    if (!imageUri) return 'its image is only known at run time';
    try {
      await this.ensureImage(imageUri);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async prepareStage(stage: StageCode, log: (line: string) => void): Promise<void> {
    if (stage.dockerfile && !stage.script) {
      const tag = `legacy-mlops-local/${stage.stageName}:latest`;
      log(`  docker build -t ${tag} ${stage.stageDir}`);
      const built = await this.docker(['build', '--quiet', '-t', tag, stage.stageDir], 3_600_000);
      if (!built.ok) throw new Error(`docker build of ${stage.dockerfile.path} failed: ${lastLine(built.stderr)}`);
      this.images.set(stage.stageName, tag);
    }
  }

  async launch(job: ContainerJob): Promise<LaunchPlan> {
    const image = this.images.get(job.stage.stageName) ?? job.imageUri;
    if (!this.images.has(job.stage.stageName)) await this.ensureImage(image);
    const args = ['run', '--rm', '--name', job.jobName, '--volume', `${job.optMlDir}:/opt/ml`];
    // Values travel in the client's environment, not on its command line.
    for (const name of Object.keys(job.env)) args.push('--env', name);
    const [entrypoint, ...entrypointArgs] = job.containerEntrypoint ?? [];
    if (entrypoint) args.push('--entrypoint', entrypoint);
    args.push(image, ...entrypointArgs, ...(job.containerArguments ?? []));
    return {
      argv: [this.command, ...args],
      env: { ...process.env, ...job.env },
      cwd: job.sandboxDir,
      // Killing the client does not stop its container.
      stop: async () => {
        await this.docker(['kill', job.jobName], 30_000);
      },
    };
  }

  private async ensureImage(image: string): Promise<void> {
    if ((await this.docker(['image', 'inspect', image], 30_000)).ok) return;
    const pulled = await this.docker(['pull', image], 3_600_000);
    if (!pulled.ok) {
      const registry = image.split('/')[0];
      throw new Error(`cannot pull ${image}: ${lastLine(pulled.stderr)} (for an ECR image: aws ecr get-login-password | docker login --username AWS --password-stdin ${registry})`);
    }
  }

  private docker(args: string[], timeout: number): Promise<{ ok: boolean; missing: boolean; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      // The environment is passed explicitly so the PATH this process sees now is the one searched.
      execFile(this.command, args, { timeout, maxBuffer: 16 * 1024 * 1024, env: process.env }, (error, stdout, stderr) => {
        resolve({ ok: !error, missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT', stdout: String(stdout), stderr: String(stderr) });
      });
    });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
