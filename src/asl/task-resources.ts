/**
 * Every Task resource a generated state machine uses, as one union type. The tables keyed by Task
 * resource (IAM integrations, local emulators, request-shape checks) are typed by it, so a resource
 * without a row is a compile error rather than a failure at run time.
 */
import { SNS_PUBLISH_WAIT_RESOURCE, UPDATE_MODEL_PACKAGE_RESOURCE } from './approval-states.js';
import {
  CREATE_ENDPOINT_CONFIG_RESOURCE,
  CREATE_ENDPOINT_RESOURCE,
  DESCRIBE_ENDPOINT_RESOURCE,
  LIST_ENDPOINTS_RESOURCE,
  UPDATE_ENDPOINT_RESOURCE,
} from './endpoint-states.js';
import { PUT_METRIC_DATA_RESOURCE } from './gate-metric.js';
import { S3_GET_OBJECT_RESOURCE } from './metric-gate.js';
import { CREATE_MODEL_RESOURCE } from './model-task.js';
import { PROCESSING_JOB_RESOURCE } from './processing-task.js';
import { LIST_MODEL_PACKAGES_RESOURCE } from './promotion-states.js';
import { CREATE_MODEL_PACKAGE_RESOURCE } from './register-task.js';
import { TRAINING_JOB_RESOURCE } from './training-task.js';
import { TRANSFORM_JOB_RESOURCE } from './transform-task.js';
import { DESCRIBE_TRAINING_JOB_RESOURCE, TUNING_JOB_RESOURCE } from './tuning-task.js';

export const TASK_RESOURCES = [
  PROCESSING_JOB_RESOURCE,
  TRAINING_JOB_RESOURCE,
  CREATE_MODEL_RESOURCE,
  TRANSFORM_JOB_RESOURCE,
  S3_GET_OBJECT_RESOURCE,
  CREATE_ENDPOINT_CONFIG_RESOURCE,
  LIST_ENDPOINTS_RESOURCE,
  CREATE_ENDPOINT_RESOURCE,
  UPDATE_ENDPOINT_RESOURCE,
  DESCRIBE_ENDPOINT_RESOURCE,
  CREATE_MODEL_PACKAGE_RESOURCE,
  UPDATE_MODEL_PACKAGE_RESOURCE,
  SNS_PUBLISH_WAIT_RESOURCE,
  TUNING_JOB_RESOURCE,
  DESCRIBE_TRAINING_JOB_RESOURCE,
  PUT_METRIC_DATA_RESOURCE,
  LIST_MODEL_PACKAGES_RESOURCE,
] as const;

/** A Task resource in the `aws` partition. */
export type TaskResource = (typeof TASK_RESOURCES)[number];

export function isTaskResource(resource: string): resource is TaskResource {
  return (TASK_RESOURCES as readonly string[]).includes(resource);
}
