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

export function apiLogOptions(level: string, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(stream ? { stream } : {}),
  };
}
