// apps/inbound's logger: pino JSON, one event per line. It logs ids, reason codes and sizes; never a body,
// a subject or an address's token.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino({ name: 'inbound', level: options.level ?? 'info', base: { pid: process.pid } }, options.destination);
}
