/**
 * Sorting the SDK's errors into what a check reports: no credentials at all, credentials AWS
 * refuses, no permission to ask, or anything else (could not check, named).
 */

/** Error names (SDK v3 `name`, or the service's `Code`) for credentials AWS does not accept. */
const REJECTED_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'InvalidAccessKeyId',
]);

/** Names AWS services use for "the caller's policies do not allow this call". */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'Forbidden', 'UnauthorizedException']);

export type AwsProblem =
  | { readonly kind: 'no-credentials'; readonly message: string }
  | { readonly kind: 'rejected-credentials'; readonly name: string; readonly message: string }
  | { readonly kind: 'denied'; readonly name: string; readonly message: string }
  | { readonly kind: 'other'; readonly name: string; readonly message: string };

export function errorName(error: unknown): string {
  const e = error as { name?: unknown; Code?: unknown } | undefined;
  if (typeof e?.Code === 'string' && e.Code) return e.Code;
  return typeof e?.name === 'string' ? e.name : 'Error';
}

export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

export function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

export function classifyAwsError(error: unknown): AwsProblem {
  const name = errorName(error);
  const message = errorMessage(error);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) return { kind: 'no-credentials', message };
  if (REJECTED_CREDENTIALS.has(name)) return { kind: 'rejected-credentials', name, message };
  if (DENIED.has(name) || httpStatus(error) === 403) return { kind: 'denied', name, message };
  return { kind: 'other', name, message };
}

/** "no permission to ask (s3:HeadBucket)" or "S3 HeadBucket failed: ThrottlingException: …", for a could-not-check. */
export function whyNotChecked(error: unknown, action: string): string {
  const problem = classifyAwsError(error);
  if (problem.kind === 'denied') return `no permission to ask (${action} was denied: ${firstLine(problem.message) || problem.name})`;
  if (problem.kind === 'no-credentials') return `no AWS credentials to ask ${action}`;
  return `${action} failed: ${problem.name}: ${firstLine(problem.message)}`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
