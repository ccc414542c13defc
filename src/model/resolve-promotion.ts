/**
 * Which model each environment serves (`environments[].modelSource`), and the stage order promotion
 * needs. Pure; problems are reported, never thrown.
 */
import type { ModelSource, StageOptions } from './pipeline-options.js';
import type { ResolvedEnvironment, ResolvedStage } from './types.js';

type Report = (path: string, message: string) => void;

/**
 * Production serves what a person approved: by default the last of several environments serves the
 * newest Approved version when a stage registers the model; every other environment, and a single
 * one, serves the model of its own run.
 */
export function resolveModelSource(given: unknown, index: number, count: number, stages: readonly StageOptions[], at: string, report: Report): ModelSource {
  const registers = stages.some((s) => s?.kind === 'register');
  if (given === undefined) return registers && count > 1 && index === count - 1 ? 'latest-approved' : 'this-run';
  if (given !== 'this-run' && given !== 'latest-approved') {
    report(at, `${JSON.stringify(given)} must be 'this-run' (the model the execution made) or 'latest-approved' (the newest Approved version in the registry)`);
    return 'this-run';
  }
  if (given === 'latest-approved' && !registers) {
    report(at, "'latest-approved' serves the newest Approved version of a model package group, but no stage registers one: add a register stage after the model stage, or set modelSource: 'this-run'");
  }
  return given;
}

/**
 * In an environment serving the latest approved version, a stage that runs a registered model before
 * its register stage would serve a model nobody approved: the order is refused.
 */
export function checkServingOrder(stages: readonly ResolvedStage[], environments: readonly ResolvedEnvironment[], report: Report): void {
  const strict = environments.find((e) => e.modelSource === 'latest-approved');
  if (!strict) return;
  stages.forEach((stage, index) => {
    if (stage.modelStage === undefined || stage.registry) return;
    const register = stages.find((s) => s.registry && s.modelStage === stage.modelStage);
    if (register && stages.indexOf(register) > index) {
      report(
        `stages[${index}] (${stage.name})`,
        `runs the model of '${stage.modelStage}' before '${register.name}' registers it, but environment '${strict.name}' serves only approved versions: move '${stage.name}' after '${register.name}'`,
      );
    }
  });
}
