// A database of the benchmark's own on the stack's PostgreSQL: migrated like the real one, dropped at
// the end. Other engineers' schedulers reconcile *every* connected inbox of the shared database, so
// thousands of benchmark inboxes there would land on their queues; a separate database keeps both
// sides clean. It also lets us add one benchmark-only trigger (see installCommitClock).
import postgres from 'postgres';
import { migrate } from '@reply-sync/db';

export interface BenchDb {
  name: string;
  url: string;
  /** postgres.js pool on the bench database, for seeding and polling. */
  sql: postgres.Sql;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createBenchDb(adminUrl: string, runId: string): Promise<BenchDb> {
  const name = `reply_sync_bench_${runId}`.replace(/[^a-z0-9_]/g, '_');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(adminUrl, name);
  await migrate(url);
  const sql = postgres(url, { max: 8, onnotice: () => {} });
  await installCommitClock(sql);
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await again.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.end({ timeout: 5 });
      }
    },
  };
}

/**
 * `logged_emails.created_at` defaults to now(), the START of the worker's transaction, which is
 * earlier than the commit by the transaction's length. A deferred constraint trigger runs at COMMIT,
 * after every statement of the transaction, so clock_timestamp() there is the commit time to within
 * microseconds. It writes to a side table of the bench database only; the product's schema is untouched.
 */
async function installCommitClock(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    CREATE TABLE bench_commit_times (
      email_id uuid PRIMARY KEY,
      account_id uuid NOT NULL,
      message_id_norm text NOT NULL,
      source text NOT NULL,
      committed_at timestamptz NOT NULL
    );
    CREATE INDEX bench_commit_times_account_idx ON bench_commit_times (account_id, committed_at);
    CREATE FUNCTION bench_record_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO bench_commit_times VALUES (NEW.id, NEW.account_id, NEW.message_id_norm, NEW.source, clock_timestamp())
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER bench_commit_clock AFTER INSERT ON logged_emails
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bench_record_commit();
  `);
}

export interface CommittedReply {
  messageIdNorm: string;
  /** ms since epoch, from clock_timestamp() at COMMIT. */
  committedAtMs: number;
  /** ms since epoch, logged_emails.created_at (transaction start). */
  createdAtMs: number;
}

/** Replies the worker logged for an account (source reply_sync), with their commit times. */
export async function committedReplies(sql: postgres.Sql, accountId: string): Promise<CommittedReply[]> {
  const rows = await sql<{ norm: string; committed: number; created: number }[]>`
    SELECT c.message_id_norm AS norm,
           (extract(epoch FROM c.committed_at) * 1000)::float8 AS committed,
           (extract(epoch FROM e.created_at) * 1000)::float8 AS created
    FROM bench_commit_times c JOIN logged_emails e ON e.id = c.email_id
    WHERE c.account_id = ${accountId} AND c.source = 'reply_sync'`;
  return rows.map((r) => ({ messageIdNorm: r.norm, committedAtMs: r.committed, createdAtMs: r.created }));
}
