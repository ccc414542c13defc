/** Chooses the isolation backend of each stage: forced with --backend, else the best that works here. */
import { LocalRunRefused } from '../errors.js';
import type { StageCode } from '../stage-code.js';
import { BwrapBackend } from './bwrap.js';
import { DirectBackend } from './direct.js';
import { DockerBackend } from './docker.js';
import { BACKEND_NAMES, type BackendName, type BackendProbe, type IsolationBackend } from './types.js';

export interface BackendChoice {
  readonly backend: IsolationBackend;
  /** Why this one, in words (printed per stage). */
  readonly reason: string;
}

export function defaultBackends(): IsolationBackend[] {
  return [new DockerBackend(), new BwrapBackend(), new DirectBackend()];
}

export class BackendSelector {
  private readonly probes = new Map<BackendName, Promise<BackendProbe>>();

  constructor(
    private readonly requested: BackendName | 'auto',
    /** In order of preference. */
    private readonly backends: readonly IsolationBackend[] = defaultBackends(),
  ) {}

  async choose(stage: StageCode, imageUri: string | undefined): Promise<BackendChoice> {
    if (this.requested !== 'auto') return this.forced(this.requested, stage, imageUri);
    const passedOver: string[] = [];
    for (const backend of this.backends) {
      const probe = await this.probe(backend);
      if (!probe.available) {
        passedOver.push(`${backend.name}: ${probe.detail}`);
        continue;
      }
      const cannot = await backend.cannotRun(stage, imageUri);
      if (cannot) {
        passedOver.push(`${backend.name}: ${cannot}`);
        continue;
      }
      const why = backend.name === 'direct' ? `${probe.detail}; used only because nothing else works here` : probe.detail;
      return { backend, reason: passedOver.length > 0 ? `${why} (passed over ${passedOver.join('; ')})` : why };
    }
    throw new LocalRunRefused(`stage '${stage.stageName}' cannot run locally: ${passedOver.join('; ')}`);
  }

  private async forced(name: BackendName, stage: StageCode, imageUri: string | undefined): Promise<BackendChoice> {
    const backend = this.backends.find((b) => b.name === name);
    if (!backend) throw new LocalRunRefused(`unknown backend '${name}' (allowed: ${BACKEND_NAMES.join(', ')})`);
    const probe = await this.probe(backend);
    const others = BACKEND_NAMES.filter((n) => n !== name).join('|');
    if (!probe.available) {
      const detail = probe.diagnostic ? `${probe.detail}: ${probe.diagnostic}` : probe.detail;
      throw new LocalRunRefused(`backend '${name}' is not available: ${detail}; use --backend ${others}, or leave --backend out to choose automatically`);
    }
    const cannot = await backend.cannotRun(stage, imageUri);
    if (cannot) throw new LocalRunRefused(`backend '${name}' cannot run stage '${stage.stageName}': ${cannot}`);
    return { backend, reason: `forced with --backend ${name}; ${probe.detail}` };
  }

  /** Starts the probes the choice may need, so they run while the caller does other work. */
  warmUp(): void {
    for (const backend of this.backends) {
      if (this.requested === 'auto' || this.requested === backend.name) void this.probe(backend);
    }
  }

  private probe(backend: IsolationBackend): Promise<BackendProbe> {
    let probe = this.probes.get(backend.name);
    if (!probe) {
      probe = backend.probe();
      this.probes.set(backend.name, probe);
    }
    return probe;
  }
}
