/**
 * The request one state of a generated repo sends, captured by running its state machine on its
 * sample execution input (as `legacy-mlops validate` does), and what botocore's request shape for
 * `operation` finds in it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SAMPLE_EXECUTION_NAME, captureTaskRequests, checkRequestShape, loadSageMakerModel, type CapturedTaskRequest, type Finding } from '../../src/checks/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';

export async function shapeCheckedRequest(dir: string, stateName: string, operation: string): Promise<{ captured: CapturedTaskRequest; findings: Finding[] }> {
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const lookup = await loadSageMakerModel();
  if (!lookup.found) throw new Error(`botocore's SageMaker model is needed: ${lookup.hint}`);
  const requests = await captureTaskRequests(read(PIPELINE_FILES.stateMachine), read(PIPELINE_FILES.executionInput), SAMPLE_EXECUTION_NAME);
  const captured = requests.find((r) => r.stateName === stateName);
  if (!captured) throw new Error(`no request was captured for the state '${stateName}'`);
  return { captured, findings: checkRequestShape(operation, captured.request, lookup.model, stateName) };
}
