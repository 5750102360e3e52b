// apps/inbound's logger: pino JSON, one event per line. It logs ids, reason codes and sizes; never a body,
// a subject or an address's token. Lines go to stdout asynchronously (sonic-boom, sync: false): under load
// the lines of several messages leave in one write instead of one blocking write per line (the inbound
// benchmark measured ~11% of the process's time in those writes); a SIGKILL can lose the last few lines.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino({ name: 'inbound', level: options.level ?? 'info', base: { pid: process.pid } }, options.destination ?? pino.destination({ dest: 1, sync: false }));
}
