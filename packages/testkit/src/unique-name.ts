// Names that no other test (or earlier run) uses: tests never share users, queues or rows.
import { randomBytes } from 'node:crypto';

let counter = 0;

/** `prefix-<time>-<pid><counter>-<random>`, lowercase [a-z0-9-], safe as a mail local part or queue name. */
export function uniqueName(prefix = 't'): string {
  counter += 1;
  const clean = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return `${clean}-${Date.now().toString(36)}-${process.pid.toString(36)}${counter.toString(36)}-${randomBytes(3).toString('hex')}`;
}
