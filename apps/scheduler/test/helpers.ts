// Test fixtures: own account and inbox rows (plain SQL), own fleet registry, captured structured logs.
import { Writable } from 'node:stream';
import { createDb, migrate, type DbHandle } from '@reply-sync/db';
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { createRedisConnection, deleteFleet, fleetKeys, registeredInboxIds, shardOf } from '@reply-sync/queue';
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

/** A fleet of the test's own: its name, a connection to read its registry, and its clean-up. */
export interface TestFleet {
  name: string;
  redis: Redis;
  registered(): Promise<string[]>;
  close(): Promise<void>;
}

export function openFleet(label: string): TestFleet {
  const name = uniqueName(`sched-${label}`);
  const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
  return {
    name,
    redis,
    registered: () => registeredInboxIds(redis, name),
    async close() {
      await deleteFleet(redis, name).catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** The registry entry of one inbox: its account id, or null. */
export async function registryEntry(fleet: TestFleet, inboxId: string): Promise<string | null> {
  return fleet.redis.hget(fleetKeys(fleet.name).shard(shardOf(inboxId)), inboxId);
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
