/**
 * The default account id: whoever the local AWS credentials belong to, asked
 * of STS with a short deadline so a laptop without credentials or network
 * waits at most a moment.
 */

export const ACCOUNT_LOOKUP_TIMEOUT_MS = 1500;

export type AccountLookup = { readonly account: string } | { readonly reason: string };

export async function lookupAccount(region: string, timeoutMs = ACCOUNT_LOOKUP_TIMEOUT_MS): Promise<AccountLookup> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<AccountLookup>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({ reason: `no answer from AWS STS within ${(timeoutMs / 1000).toFixed(1)} s` });
    }, timeoutMs);
    timer.unref();
  });
  const ask = (async (): Promise<AccountLookup> => {
    // Loaded only when needed: the SDK costs a few hundred milliseconds to import.
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const client = new STSClient({ region, maxAttempts: 1, requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs } });
    try {
      const identity = await client.send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal });
      return identity.Account ? { account: identity.Account } : { reason: 'AWS STS returned no account id' };
    } finally {
      client.destroy();
    }
  })().catch((error: unknown) => ({ reason: shortReason(error) }));
  try {
    return await Promise.race([ask, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function shortReason(error: unknown): string {
  const e = error as { name?: string; message?: string };
  if (e?.name === 'CredentialsProviderError' || /credential/i.test(e?.message ?? '')) return 'no AWS credentials found';
  const first = String(e?.message ?? error).split('\n')[0];
  return first.length > 120 ? `${first.slice(0, 117)}...` : first;
}
