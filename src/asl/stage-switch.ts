/**
 * A skippable stage starts with a Choice on `$.stages.<key>.enabled`: absent or true runs it, false
 * jumps to the next stage. Whether a skipped stage leaves a later one without its input is checked
 * before an execution starts (src/checks/stage-switches.ts), not discovered by a failing job.
 */
import type { ResolvedStage } from '../model/types.js';
import { stageSettingPath } from './input-paths.js';
import type { ChoiceState } from './types.js';

export function switchStateName(stage: ResolvedStage): string {
  return `run ${stage.name}?`;
}

export function enabledPath(stageName: string): string {
  return stageSettingPath(stageName, 'enabled');
}

export function stageSwitchState(stage: ResolvedStage, entry: string, next: string): ChoiceState {
  const enabled = enabledPath(stage.name);
  return {
    Type: 'Choice',
    Comment: `Skips ${stage.name} when the execution input sets stages.<key>.enabled to false.`,
    Choices: [
      // IsPresent first: comparing a missing field would be a runtime error, and absent means enabled.
      { And: [{ Variable: enabled, IsPresent: true }, { Variable: enabled, BooleanEquals: false }], Next: next },
    ],
    Default: entry,
  };
}
