// The worker's structured logger: pino JSON, one event per line, with credentials redacted wherever
// they might appear. Bodies are never passed to it (callers log ids, counts and reason codes).
import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out, at the top level and one or two objects down. */
export const REDACT_PATHS = [
  'password',
  'pass',
  'token',
  'accessToken',
  'refreshToken',
  'credentials',
  'auth',
  '*.password',
  '*.pass',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.credentials',
  '*.auth',
  '*.*.password',
  '*.*.pass',
  '*.*.accessToken',
  '*.*.refreshToken',
  '*.*.credentials',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default (tests pass a stream to read them back). */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'sync-worker',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination,
  );
}
