/**
 * Fan-out: the stage chain as the ItemProcessor of a Distributed Map, run once per item.
 *
 * Distributed mode for both item sources, because only it has `ToleratedFailurePercentage` (an inline
 * Map fails as a whole, and stops every other item, when one iteration fails), one execution history
 * per item (an inline Map shares the parent's 25,000-event history), and a ResultWriter that lists
 * every item's outcome, failed ones included. Items come from the execution input (`ItemsPath`),
 * from a JSON array in S3 (`ItemReader` with s3:getObject), or from the objects under the raw-data
 * prefix (`ItemReader` with s3:listObjectsV2: one item per object, its file name the id).
 */
import type { ResolvedFanOut, ResolvedPipeline } from '../model/types.js';
import { ERROR_PATH, INPUT, ITEM_INPUT } from './input-paths.js';
import { integrationArn } from './task-arns.js';
import type { JsonObject, State } from './types.js';

export const FAN_OUT_STATE = 'fan out';
export const FAN_OUT_FAILED_STATE = 'fan out failed';
/** The last state of every item: its outcome, carrying the item id. */
export const ITEM_SUCCEEDED_STATE = 'item succeeded';
export const S3_GET_OBJECT_ITEMS_RESOURCE = 'arn:aws:states:::s3:getObject';
export const S3_LIST_OBJECTS_ITEMS_RESOURCE = 'arn:aws:states:::s3:listObjectsV2';
/** `itemsFrom: 's3-prefix'`: the first state of every item, which ends folder markers (keys ending in '/') at once. */
export const FOLDER_MARKER_CHOICE_STATE = 'object or folder';
export const FOLDER_MARKER_SKIPPED_STATE = 'folder skipped';
/**
 * The file name of a listed object (the last `/`-separated part of its key): an item's id when each
 * object is one item. Intrinsics only; Step Functions allows nesting up to 10 deep.
 */
const OBJECT_FILE_NAME = "States.ArrayGetItem(States.StringSplit($$.Map.Item.Value.Key, '/'), States.MathAdd(States.ArrayLength(States.StringSplit($$.Map.Item.Value.Key, '/')), -1))";
export const S3_PUT_OBJECT_RESULTS_RESOURCE = 'arn:aws:states:::s3:putObject';
/** Under each execution's run prefix: `<runsUri><execution>/fan-out/` holds the Map Run's result files. */
export const FAN_OUT_RESULTS_FOLDER = 'fan-out';

/** A Map state in Distributed mode (the fields legacy-mlops emits). */
export interface MapState {
  readonly Type: 'Map';
  readonly Comment?: string;
  readonly ItemProcessor: { readonly ProcessorConfig: { readonly Mode: 'DISTRIBUTED'; readonly ExecutionType: 'STANDARD' }; readonly StartAt: string; readonly States: Record<string, State> };
  readonly ItemsPath?: string;
  readonly ItemReader?: JsonObject;
  readonly ItemSelector: JsonObject;
  readonly MaxConcurrency: number;
  readonly ToleratedFailurePercentage: number;
  readonly Label: string;
  readonly ResultWriter: JsonObject;
  readonly ResultPath: string;
  readonly Catch: { readonly ErrorEquals: string[]; readonly ResultPath: string; readonly Next: string }[];
  readonly End: true;
}

/**
 * The input one item's chain receives: the execution input's run settings, the item, the parent's execution name.
 * A listed object becomes the item `{ id: <file name>, key, size }` whose raw data is that object.
 */
function itemSelector(fanOut: ResolvedFanOut): JsonObject {
  const perObject = fanOut.itemsFrom === 's3-prefix';
  return {
    ...(perObject
      ? { item: { 'id.$': OBJECT_FILE_NAME, 'key.$': '$$.Map.Item.Value.Key', 'size.$': '$$.Map.Item.Value.Size' } }
      : { 'item.$': '$$.Map.Item.Value' }),
    'executionName.$': '$$.Execution.Name',
    'roleArn.$': INPUT.roleArn,
    'codeUri.$': INPUT.codeUri,
    // Each item reads its own raw data: <rawDataUri><item id>/, or the listed object itself.
    'rawDataUri.$': perObject ? `States.Format('s3://{}/{}', ${INPUT.itemsBucket}, $$.Map.Item.Value.Key)` : `States.Format('{}{}/', ${INPUT.rawDataUri}, $$.Map.Item.Value.id)`,
    'runsUri.$': INPUT.runsUri,
    'runsBucket.$': INPUT.runsBucket,
    'runsKeyPrefix.$': INPUT.runsKeyPrefix,
    'stages.$': '$.stages',
  };
}

/** The item's last state: its id and what its stages returned (the Map Run's result files list it). */
export function itemSucceededState(pipeline: ResolvedPipeline): State {
  // Results exist once any stage ran; a chain whose every stage may be switched off may have none.
  const anyAlwaysRuns = pipeline.stages.some((s) => !s.skippable);
  return {
    Type: 'Pass',
    Comment: "The item's outcome: its id and its stages' results.",
    Parameters: { 'id.$': ITEM_INPUT.itemId, status: 'SUCCEEDED', ...(anyAlwaysRuns ? { 'results.$': '$.results' } : {}) },
    // No ResultPath: the outcome replaces the state (aws-local-stepfunctions mishandles an explicit '$').
    End: true,
  } as unknown as State;
}

export function fanOutStates(pipeline: ResolvedPipeline, fanOut: ResolvedFanOut, chain: { startAt: string; states: Record<string, State> }): Record<string, State | MapState> {
  const items: Pick<MapState, 'ItemsPath' | 'ItemReader'> =
    fanOut.itemsFrom === 's3'
      ? {
          ItemReader: {
            Resource: integrationArn(S3_GET_OBJECT_ITEMS_RESOURCE, pipeline.partition),
            ReaderConfig: { InputType: 'JSON' },
            Parameters: { 'Bucket.$': INPUT.itemsBucket, 'Key.$': INPUT.itemsKey },
          },
        }
      : fanOut.itemsFrom === 's3-prefix'
        ? { ItemReader: { Resource: integrationArn(S3_LIST_OBJECTS_ITEMS_RESOURCE, pipeline.partition), Parameters: { 'Bucket.$': INPUT.itemsBucket, 'Prefix.$': INPUT.itemsPrefix } } }
        : { ItemsPath: INPUT.items };
  const processor = fanOut.itemsFrom === 's3-prefix' ? withFolderMarkerSkip(chain) : chain;
  const map: MapState = {
    Type: 'Map',
    Comment:
      `Runs ${pipeline.stages.map((s) => s.name).join(' → ')} once per ${ITEMS_OF[fanOut.itemsFrom]}, ` +
      `${fanOut.maxConcurrency} at a time; a failed item ends that item only, and the execution fails above ${fanOut.toleratedFailurePercentage}% failed items.`,
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: processor.startAt, States: processor.states },
    ...items,
    ItemSelector: itemSelector(fanOut),
    MaxConcurrency: fanOut.maxConcurrency,
    ToleratedFailurePercentage: fanOut.toleratedFailurePercentage,
    Label: 'items',
    // Every item's outcome (failed ones with their error and cause) in <runsUri><execution>/fan-out/.
    ResultWriter: {
      Resource: integrationArn(S3_PUT_OBJECT_RESULTS_RESOURCE, pipeline.partition),
      Parameters: { 'Bucket.$': INPUT.runsBucket, 'Prefix.$': `States.Format('{}{}/${FAN_OUT_RESULTS_FOLDER}', ${INPUT.runsKeyPrefix}, $$.Execution.Name)` },
    },
    ResultPath: '$.fanOut',
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: ERROR_PATH, Next: FAN_OUT_FAILED_STATE }],
    End: true,
  };
  return {
    [FAN_OUT_STATE]: map,
    [FAN_OUT_FAILED_STATE]: {
      Type: 'Fail',
      Comment: 'More items failed than toleratedFailurePercentage allows (States.ExceedToleratedFailureThreshold), or the items could not be read.',
      ErrorPath: `${ERROR_PATH}.Error`,
      CausePath: `${ERROR_PATH}.Cause`,
    },
  };
}

/** Where the items are, as the Map's comment says it. */
const ITEMS_OF: Readonly<Record<ResolvedFanOut['itemsFrom'], string>> = {
  input: "item of the input's items",
  s3: 'item of s3://<itemsBucket>/<itemsKey>',
  's3-prefix': 'object under s3://<itemsBucket>/<itemsPrefix>',
};

/**
 * Listing a prefix returns the zero-byte "folder" objects the S3 console creates (keys ending in '/')
 * too: such an item succeeds at once instead of running the stages on no data.
 */
function withFolderMarkerSkip(chain: { startAt: string; states: Record<string, State> }): { startAt: string; states: Record<string, State> } {
  const choice = {
    Type: 'Choice',
    Comment: "A key ending in '/' is a folder marker, not an item's data.",
    Choices: [{ Variable: '$.item.key', StringMatches: '*/', Next: FOLDER_MARKER_SKIPPED_STATE }],
    Default: chain.startAt,
  };
  const skipped = { Type: 'Succeed', Comment: 'A folder marker: nothing to run.' };
  return { startAt: FOLDER_MARKER_CHOICE_STATE, states: { [FOLDER_MARKER_CHOICE_STATE]: choice, [FOLDER_MARKER_SKIPPED_STATE]: skipped, ...chain.states } as unknown as Record<string, State> };
}
