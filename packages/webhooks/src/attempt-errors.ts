// Why one webhook delivery attempt failed: a closed set, each with one sentence (what the attempts list
// shows). The delivery worker (apps/webhook-worker) records them; the console shows and translates them.
export const ATTEMPT_ERROR_CODES = ['timeout', 'connection_failed', 'http_error', 'redirect', 'private_address'] as const;

export type AttemptErrorCode = (typeof ATTEMPT_ERROR_CODES)[number];

export const ATTEMPT_ERROR_SENTENCES: Readonly<Record<AttemptErrorCode, string>> = {
  timeout: 'The receiver did not answer within the timeout.',
  connection_failed: 'The receiver could not be reached (connection refused, reset or host not found).',
  http_error: 'The receiver answered with a status other than 2xx.',
  redirect: 'The receiver answered with a redirect, which webhooks do not follow; subscribe the final URL.',
  private_address: 'The receiver\'s host now resolves to a loopback, private or link-local address, which reply-sync does not call.',
};
