/** `npm run bench`: prints timings. Targets are aims for people to read, not test assertions. */
import { benchCreate } from './create.js';
import { benchFanOut } from './fan-out.js';
import { benchDoctor } from './doctor.js';
import { benchLocalEnvs } from './local-envs.js';
import { benchInstallers } from './local-envs-installers.js';
import { benchLocalRun } from './local-run.js';
import { benchStartup } from './startup.js';
import { benchSynth } from './synth.js';

const only = process.argv.slice(2);
const suites: Record<string, () => Promise<void>> = {
  synth: () => benchSynth(),
  local: () => benchLocalRun(),
  envs: async () => {
    await benchLocalEnvs();
    await benchInstallers();
  },
  create: () => benchCreate(),
  'fan-out': () => benchFanOut(),
  startup: () => benchStartup(),
  doctor: () => benchDoctor(),
};

for (const [name, suite] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  await suite();
  console.log('');
}
