/**
 * `--stages preprocess:script,predict:container,postprocess:script`: the
 * compact stage list for flags. Each item is `name[:mode[:detail]]` where
 * detail is `framework@version` for script mode or an ECR image URI for
 * container mode (a URI holds colons, so only the first two separate).
 */
import { FRAMEWORK_NAMES } from '../model/framework-images.js';
import type { FrameworkName, StageOptions } from '../model/types.js';
import { CreateError } from './errors.js';
import { newStage } from './stage-catalog.js';

export const STAGE_SPEC_EXAMPLE = 'preprocess:script,predict:container,postprocess:script:sklearn@1.2-1';

export function parseStageSpecs(text: string, origin: string): StageOptions[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) {
    throw new CreateError(`Invalid ${origin}: '${text}' has an empty item; list stages as name[:mode[:detail]] separated by commas (e.g. ${STAGE_SPEC_EXAMPLE})`);
  }
  const stages = items.map((item) => parseStageSpec(item, origin));
  const seen = new Set<string>();
  for (const s of stages) {
    if (seen.has(s.name)) throw new CreateError(`Invalid ${origin}: stage '${s.name}' is listed twice; stage names must be unique`);
    seen.add(s.name);
  }
  return stages;
}

/** One `name[:mode[:detail]]` item. */
export function parseStageSpec(item: string, origin: string): StageOptions {
  const first = item.indexOf(':');
  const second = first < 0 ? -1 : item.indexOf(':', first + 1);
  const name = first < 0 ? item : item.slice(0, first);
  const mode = first < 0 ? undefined : item.slice(first + 1, second < 0 ? undefined : second);
  const detail = second < 0 ? undefined : item.slice(second + 1);
  const bad = (why: string) => new CreateError(`Invalid ${origin}: '${item}': ${why} (e.g. ${STAGE_SPEC_EXAMPLE})`);

  if (mode === undefined) return newStage(name);
  if (mode === 'script') {
    if (detail === undefined) return newStage(name, 'script');
    const [framework, version, ...rest] = detail.split('@');
    if (rest.length > 0 || !(FRAMEWORK_NAMES as string[]).includes(framework)) {
      throw bad(`script mode takes framework[@version] with framework one of ${FRAMEWORK_NAMES.join(', ')}`);
    }
    return { ...newStage(name, 'script'), framework: { name: framework as FrameworkName, ...(version ? { version } : {}) } };
  }
  if (mode === 'container' || mode === 'dockerfile') {
    if (detail === undefined || detail === '') return newStage(name, 'container');
    if (mode === 'dockerfile') throw bad('dockerfile mode takes no detail');
    return { ...newStage(name, 'container'), imageUri: detail };
  }
  throw bad(`mode '${mode}' is not one of script, container`);
}
