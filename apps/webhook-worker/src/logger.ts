// The webhook worker's logger: pino JSON, one event per line. It logs ids, codes and status numbers;
// never a secret, a signature or a payload.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino({ name: 'webhook-worker', level: options.level ?? 'info', base: { pid: process.pid } }, options.destination);
}
