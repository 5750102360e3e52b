// One POST of a signed webhook: the whole answer within a timeout, no redirects followed, and (unless
// private receivers are allowed) only to public addresses, checked at connect time (url-safety.ts).
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ATTEMPT_ERROR_SENTENCES, isPublicAddress, publicOnlyLookup, type AttemptErrorCode } from '@reply-sync/webhooks';

/** Why an attempt failed: packages/webhooks' closed set, each with one sentence (what the attempts list shows). */
export { ATTEMPT_ERROR_SENTENCES, type AttemptErrorCode };

export type PostResult =
  | { ok: true; status: number; durationMs: number }
  | { ok: false; status: number | null; code: AttemptErrorCode; error: string; durationMs: number };

export interface PostWebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

// Kept-alive connections: a receiver taking a thousand events a second gets them over a few sockets.
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }) };

/** At most this much of an answer is read (and thrown away): a receiver cannot make us buffer more. */
const MAX_ANSWER_BYTES = 64 * 1024;

export function postWebhook(request: PostWebhookRequest): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (code: AttemptErrorCode, status: number | null, detail?: string): PostResult => ({
    ok: false,
    status,
    code,
    error: detail ? `${ATTEMPT_ERROR_SENTENCES[code]} (${detail})` : ATTEMPT_ERROR_SENTENCES[code],
    durationMs: elapsed(),
  });
  const url = new URL(request.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!request.allowPrivate && isIP(host) && !isPublicAddress(host)) return Promise.resolve(fail('private_address', null, host));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const settle = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        headers: { ...request.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body).toString(), 'user-agent': 'reply-sync-webhooks/1' },
        ...(request.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const done = () => {
          if (status >= 200 && status < 300) settle({ ok: true, status, durationMs: elapsed() });
          else if (status >= 300 && status < 400) settle(fail('redirect', status, `${status} to ${res.headers.location ?? 'nowhere'}`));
          else settle(fail('http_error', status, `${status} ${res.statusMessage ?? ''}`.trim()));
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      settle(fail('timeout', null, `${request.timeoutMs} ms`));
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'WebhookError') settle(fail('private_address', null, error.message.split(':')[0]));
      else settle(fail('connection_failed', null, error.code ?? error.message));
    });
    req.end(request.body);
  });
}
