// apps/inbound's logger: pino JSON, one event per line. It logs ids, reason codes and sizes; never a body,
// a subject or an address's token. Lines go to stdout asynchronously (sonic-boom, sync: false): under load
// the lines of several messages leave in one write instead of one blocking write per line (the inbound
// benchmark measured ~11% of the process's time in those writes, and still ~7% with one asynchronous
// write per line, so lines wait for 8 KB or half a second); a SIGKILL can lose the last half second.
import pino, { type Logger } from 'pino';

export type { Logger };

/** Lines are held until this many bytes are waiting (below sonic-boom's 16 KB maxWrite), or for at most FLUSH_EVERY_MS. */
const MIN_WRITE_BYTES = 8 * 1024;
const FLUSH_EVERY_MS = 500;

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  if (options.destination) return pino({ name: 'inbound', level: options.level ?? 'info', base: { pid: process.pid } }, options.destination);
  const destination = pino.destination({ dest: 1, sync: false, minLength: MIN_WRITE_BYTES });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // a write already running: its callback writes the rest
    }
  }, FLUSH_EVERY_MS);
  timer.unref();
  return pino({ name: 'inbound', level: options.level ?? 'info', base: { pid: process.pid } }, destination);
}
