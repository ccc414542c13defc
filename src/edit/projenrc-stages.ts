/**
 * Adds a stage to the `stages` literal of a generated repo's `.projenrc.ts` through its TypeScript
 * syntax tree (never a regex): only the new element's text is inserted, so the user's comments,
 * formatting and every other byte stay as they were (a BOM, and the file's line endings, which the
 * inserted text follows). Keys are read by their value, so `'stages'` and `"stages"` are `stages`.
 * Pure: source text in, source text out.
 */
import ts from 'typescript';
import { compactStage } from '../create/projenrc.js';
import { tsLiteral, type LiteralValue } from '../create/ts-literal.js';
import { DEFAULT_STAGES } from '../model/defaults.js';
import type { StageOptions } from '../model/types.js';

const PROJECT_CLASS = 'LegacyMlopsProject';

export type StageEdit =
  | { readonly ok: true; readonly source: string; readonly changed: boolean; readonly stageNames: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly snippet?: string };

export interface AddStageOptions {
  /** Insert after this stage; default: at the end. */
  readonly after?: string;
  /**
   * The stages the file declares when run (its options may come from elsewhere than the literal):
   * used for the hand-edit snippet when the file's shape cannot be edited. Default: the literal's.
   */
  readonly declared?: readonly StageOptions[];
}

/** The stage as the user would write it in `.projenrc.ts`, indented for a `stages` element. */
export function stageSnippet(stage: StageOptions, indent = '    '): string {
  return tsLiteral(compactStage(stage) as LiteralValue, indent);
}

/** The names of the stages declared in `.projenrc.ts` (defaults when `stages` is absent), or why they cannot be read. */
export function readStageNames(source: string): { ok: true; names: string[] } | { ok: false; reason: string } {
  const found = findStages(source);
  if (!found.ok) return found;
  return { ok: true, names: found.names };
}

export function addStage(source: string, stage: StageOptions, options: AddStageOptions = {}): StageEdit {
  const found = findStages(source);
  if (!found.ok) return { ok: false, reason: found.reason, snippet: handEdit(found.shape, stage, options) };
  const { names } = found;

  if (names.includes(stage.name)) {
    // Same answers twice: nothing to do when the declared stage is the one being added.
    const existing = found.elements?.[names.indexOf(stage.name)];
    if (existing && sameStage(existing, stage)) return { ok: true, source, changed: false, stageNames: names };
    return { ok: false, reason: `a stage named '${stage.name}' already exists in .projenrc.ts; choose another name` };
  }
  const anchor = options.after ?? names[names.length - 1];
  if (options.after !== undefined && !names.includes(options.after)) {
    return { ok: false, reason: `there is no stage '${options.after}' to add '${stage.name}' after (stages: ${names.join(', ')})` };
  }

  if (found.kind === 'absent') return insertStagesProperty(source, found, stage, anchor);

  const { array } = found;
  const elements = array.elements;
  const anchorIndex = names.indexOf(anchor);
  const indent = elementIndent(source, array);
  const text = stageSnippet(stage, indent);
  const anchorNode = elements[anchorIndex];
  // Insert after the anchor and its trailing comma (if any), on a new line with the elements' indentation.
  let at = anchorNode.getEnd();
  const hasComma = source.slice(at).match(/^\s*,/);
  if (hasComma) at += hasComma[0].length;
  const insertion = `${hasComma ? '' : ','}\n${indent}${text}${hasComma || anchorIndex < elements.length - 1 ? ',' : hasTrailingComma(source, array) ? ',' : ''}`;
  const result = source.slice(0, at) + withLineEndingsOf(source, insertion) + source.slice(at);
  const names2 = [...names.slice(0, anchorIndex + 1), stage.name, ...names.slice(anchorIndex + 1)];
  return { ok: true, source: result, changed: true, stageNames: names2 };
}

/** `source` with the declared stage of the same name replaced by `stage` (its element rewritten, every other byte kept). */
export function replaceStage(source: string, stage: StageOptions): StageEdit {
  const found = findStages(source);
  if (!found.ok) return { ok: false, reason: found.reason, snippet: found.shape ? `Replace the element of '${stage.name}' in \`stages\` in .projenrc.ts by hand, then run \`npx projen\`:\n    ${stageSnippet(stage, '    ')},` : undefined };
  if (found.kind !== 'array') return { ok: false, reason: `stage '${stage.name}' is not declared in \`stages\` in .projenrc.ts` };
  const element = found.elements[found.names.indexOf(stage.name)];
  if (!element) return { ok: false, reason: `stage '${stage.name}' is not declared in \`stages\` in .projenrc.ts` };
  const text = withLineEndingsOf(source, stageSnippet(stage, elementIndent(source, found.array)));
  return { ok: true, source: source.slice(0, element.getStart()) + text + source.slice(element.getEnd()), changed: true, stageNames: found.names };
}

/**
 * What to paste by hand: the element, when there is a `stages` array to paste it into; otherwise the
 * whole `stages` property (the declared stages with the new one in place).
 */
function handEdit(shape: 'element' | 'property' | undefined, stage: StageOptions, options: AddStageOptions): string | undefined {
  if (shape === 'element') return `Add this element to the \`stages\` array in .projenrc.ts by hand, then run \`npx projen\`:\n    ${stageSnippet(stage, '    ')},`;
  if (shape !== 'property') return undefined;
  const stages = [...(options.declared ?? DEFAULT_STAGES)].filter((s) => s.name !== stage.name);
  const at = options.after === undefined ? stages.length : stages.findIndex((s) => s.name === options.after) + 1;
  stages.splice(at < 0 ? stages.length : at, 0, stage);
  const literal = tsLiteral(stages.map(compactStage) as LiteralValue, '    ', { expandDepth: 2 });
  return `Set \`stages\` in the options of ${PROJECT_CLASS} in .projenrc.ts by hand, then run \`npx projen\`:\n    stages: ${literal},`;
}

/** The dominant line ending of `source` (CRLF when most lines end so), applied to the `\n`s of `text`. */
export function withLineEndingsOf(source: string, text: string): string {
  const crlf = source.match(/\r\n/g)?.length ?? 0;
  const lf = (source.match(/\n/g)?.length ?? 0) - crlf;
  return crlf > lf ? text.replace(/\r?\n/g, '\r\n') : text;
}

/** A property's key as written, by value: `stages`, `'stages'`, `"stages"` and `['stages']` are all `stages`. */
export function keyOf(property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

type FoundStages =
  | { ok: true; kind: 'array'; array: ts.ArrayLiteralExpression; names: string[]; elements: ts.ObjectLiteralExpression[] }
  | { ok: true; kind: 'absent'; options: ts.ObjectLiteralExpression; names: string[]; elements?: undefined }
  /** `shape`: which hand edit fits (an element to paste into the array, or the whole property); none when the file is not one to edit. */
  | { ok: false; reason: string; shape?: 'element' | 'property' };

/** The one `new LegacyMlopsProject({ ... })` options literal of `.projenrc.ts`, or why the editor cannot find it. */
export function findProjectOptions(source: string, adding = '`stages`'):
  | { ok: true; options: ts.ObjectLiteralExpression }
  | { ok: false; reason: string; shape?: 'element' | 'property' } {
  const file = ts.createSourceFile('.projenrc.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const syntaxErrors = (file as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
  if (syntaxErrors.length > 0) {
    const d = syntaxErrors[0];
    const { line } = file.getLineAndCharacterOfPosition(d.start ?? 0);
    return { ok: false, reason: `.projenrc.ts does not parse (line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}); fix it first` };
  }
  const news: ts.NewExpression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && node.expression.getText(file).split('.').pop() === PROJECT_CLASS) news.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (news.length !== 1) {
    if (news.length === 0) return { ok: false, reason: `.projenrc.ts has no \`new ${PROJECT_CLASS}({ ... })\`; is this a legacy-mlops repo?` };
    return { ok: false, reason: `.projenrc.ts creates ${news.length} ${PROJECT_CLASS} projects, so the editor cannot tell which to change`, shape: 'element' };
  }
  const [options] = news[0].arguments ?? [];
  if (!options || !ts.isObjectLiteralExpression(options)) {
    return { ok: false, reason: `the options of ${PROJECT_CLASS} are not an object literal, so the editor cannot add ${adding} safely`, shape: 'property' };
  }
  return { ok: true, options };
}

function findStages(source: string): FoundStages {
  const found = findProjectOptions(source);
  if (!found.ok) return found;
  const { options } = found;
  const stagesProps = options.properties.filter((p) => keyOf(p) === 'stages');
  if (stagesProps.length > 1) return { ok: false, reason: '`stages` is set more than once in the options of LegacyMlopsProject in .projenrc.ts; keep one', shape: 'property' };
  const [stagesProp] = stagesProps;
  if (!stagesProp) {
    // A spread (`...base`) may bring its own stages: a `stages` written after it would silently replace them.
    if (options.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && keyOf(p) === undefined))) {
      return { ok: false, reason: `the options of ${PROJECT_CLASS} have no \`stages\` of their own but a spread or computed key that may set them, so the editor cannot add \`stages\` safely`, shape: 'property' };
    }
    return { ok: true, kind: 'absent', options, names: DEFAULT_STAGES.map((s) => s.name) };
  }
  if (!ts.isPropertyAssignment(stagesProp) || !ts.isArrayLiteralExpression(stagesProp.initializer)) {
    return { ok: false, reason: '`stages` in .projenrc.ts is not an array literal (a variable, a spread or a function call cannot be edited safely)', shape: 'element' };
  }
  const array = stagesProp.initializer;
  const names: string[] = [];
  const elements: ts.ObjectLiteralExpression[] = [];
  for (const element of array.elements) {
    const name = ts.isObjectLiteralExpression(element) ? literalName(element) : undefined;
    if (!name) return { ok: false, reason: 'an element of `stages` in .projenrc.ts is not an object literal with a string `name`; it cannot be edited safely', shape: 'element' };
    names.push(name);
    elements.push(element as ts.ObjectLiteralExpression);
  }
  return { ok: true, kind: 'array', array, names, elements };
}

function literalName(element: ts.ObjectLiteralExpression): string | undefined {
  const prop = element.properties.find((p) => keyOf(p) === 'name');
  if (!prop || !ts.isPropertyAssignment(prop)) return undefined;
  return ts.isStringLiteralLike(prop.initializer) ? prop.initializer.text : undefined;
}

/** Whether a declared element already says what `stage` would (the second run of the same answers). */
function sameStage(element: ts.ObjectLiteralExpression, stage: StageOptions): boolean {
  const normalize = (text: string) => text.replace(/\s+/g, '').replace(/,([}\]])/g, '$1');
  return normalize(element.getText()) === normalize(stageSnippet(stage, ''));
}

function elementIndent(source: string, array: ts.ArrayLiteralExpression): string {
  const first = array.elements[0];
  if (first) {
    const lineStart = source.lastIndexOf('\n', first.getStart()) + 1;
    const lead = source.slice(lineStart, first.getStart());
    if (/^\s*$/.test(lead)) return lead;
  }
  const lineStart = source.lastIndexOf('\n', array.getStart()) + 1;
  return `${source.slice(lineStart, array.getStart()).match(/^\s*/)?.[0] ?? ''}  `;
}

function hasTrailingComma(source: string, array: ts.ArrayLiteralExpression): boolean {
  return array.elements.hasTrailingComma || /,\s*$/.test(source.slice(array.elements.end, array.getEnd() - 1));
}

/** No `stages` yet (the defaults apply): write them out explicitly with the new stage in place. */
function insertStagesProperty(source: string, found: Extract<FoundStages, { kind: 'absent' }>, stage: StageOptions, anchor: string): StageEdit {
  const { options } = found;
  const stages = [...DEFAULT_STAGES];
  stages.splice(stages.findIndex((s) => s.name === anchor) + 1, 0, stage);
  const last = options.properties[options.properties.length - 1];
  const lineStart = source.lastIndexOf('\n', (last ?? options).getStart()) + 1;
  const indent = last ? source.slice(lineStart, last.getStart()) : '  ';
  const literal = tsLiteral(stages.map(compactStage) as LiteralValue, indent, { expandDepth: 2 });
  let at = last ? last.getEnd() : options.getStart() + 1;
  const comma = source.slice(at).match(/^\s*,/);
  if (comma) at += comma[0].length;
  const insertion = `${last && !comma ? ',' : ''}\n${indent}stages: ${literal},`;
  return { ok: true, source: source.slice(0, at) + withLineEndingsOf(source, insertion) + source.slice(at), changed: true, stageNames: stages.map((s) => s.name) };
}
