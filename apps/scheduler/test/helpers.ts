// Test fixtures: own account and inbox rows (plain SQL), own queue, captured structured logs.
import { Writable } from 'node:stream';
import { createDb, migrate, type DbHandle } from '@reply-sync/db';
import { createInboxQueue, createRedisConnection, QUEUE_PREFIX, type InboxQueue } from '@reply-sync/queue';
import { stack, uniqueName } from '@reply-sync/testkit';
import { pino, type Logger } from 'pino';

export { stack };

let migrated: Promise<void> | undefined;
export function migrateOnce(): Promise<void> {
  migrated ??= migrate(stack.databaseUrl);
  return migrated;
}

export function openDb(): DbHandle {
  return createDb(stack.databaseUrl, { max: 2 });
}

export async function createAccount(db: DbHandle): Promise<string> {
  const [row] = await db.sql<{ id: string }[]>`INSERT INTO accounts (name) VALUES (${uniqueName('sched')}) RETURNING id::text AS id`;
  return row!.id;
}

export async function deleteAccount(db: DbHandle, accountId: string): Promise<void> {
  await db.sql`DELETE FROM accounts WHERE id = ${accountId}::uuid`;
}

/** Inserts `count` team inboxes in one statement (so one transaction, `count` notifications). */
export async function insertInboxes(db: DbHandle, accountId: string, count = 1, status = 'connected'): Promise<string[]> {
  const rows = Array.from({ length: count }, () => ({
    account_id: accountId,
    kind: 'team',
    address: `${uniqueName('inbox')}@mail.test`,
    imap_host: '127.0.0.1',
    imap_port: 51143,
    imap_tls: 'starttls',
    username: 'nobody',
    status,
  }));
  const inserted = await db.sql<{ id: string }[]>`INSERT INTO inboxes ${db.sql(rows)} RETURNING id::text AS id`;
  return inserted.map((r) => r.id);
}

export async function setInboxStatus(db: DbHandle, inboxIds: string[], status: string): Promise<void> {
  await db.sql`UPDATE inboxes SET status = ${status} WHERE id = ANY(${inboxIds}::uuid[])`;
}

export function openQueue(label: string): InboxQueue {
  return createInboxQueue({ redisUrl: stack.redisUrl, name: uniqueName(`sched-${label}`) });
}

/** How many times each job id appears in the queue's live lists and sets (must be 0 or 1). */
export async function liveOccurrences(queue: InboxQueue): Promise<Map<string, number>> {
  const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
  try {
    const key = (type: string) => `${QUEUE_PREFIX}:${queue.name}:${type}`;
    const [wait, active, delayed, prioritized] = await Promise.all([
      redis.lrange(key('wait'), 0, -1),
      redis.lrange(key('active'), 0, -1),
      redis.zrange(key('delayed'), '0', '-1'),
      redis.zrange(key('prioritized'), '0', '-1'),
    ]);
    const counts = new Map<string, number>();
    for (const id of [...wait, ...active, ...delayed, ...prioritized]) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  } finally {
    redis.disconnect();
  }
}

/** A pino logger whose JSON lines are kept in `lines` (and nothing printed). */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}
