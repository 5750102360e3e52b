// The API's pino options. Fastify logs each request's method, URL and status, never headers or bodies;
// redaction is the second line of defence, for anything that logs a request, a body or an error's
// context: no key, token, password, secret or message body appears in a log line.
import type { DestinationStream, LoggerOptions } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'headers.authorization',
  'authorization',
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'secret',
  '*.secret',
  'key',
  '*.key',
  'body',
  '*.body',
  'text',
  '*.text',
  'html',
  '*.html',
  'credentials',
  '*.credentials',
];

/** Query parameters that carry a secret: the OAuth callback's code and state, any token. */
const SECRET_QUERY = /([?&](?:code|state|token|access_token|refresh_token|code_verifier|id_token)=)[^&#]*/gi;

/** The tracker's paths carry a token that names the recipient (routes/tracker.ts). */
const TRACKER_TOKEN = /^(\/t\/[oc]\/)[^/?#.]+/;

/** A request URL as logged: the secret query values and tracking tokens replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]').replace(TRACKER_TOKEN, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function apiLogOptions(level: string, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Fastify's own request serializer, but with the URL's secret query values hidden.
    serializers: {
      req: (req: LoggedRequest) => ({ method: req.method, url: typeof req.url === 'string' ? redactUrl(req.url) : undefined, host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
    },
    ...(stream ? { stream } : {}),
  };
}
