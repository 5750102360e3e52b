// The demo keeps its rows in a database of its own on the local stack's PostgreSQL (reply_sync_demo),
// so its scheduler only ever sees demo inboxes, and it never touches the data tests and development use.
import { createDb } from '@reply-sync/db';

export const DEMO_DATABASE = 'reply_sync_demo';

/** The stack's URL pointing at the demo database instead. */
export function demoDatabaseUrl(stackUrl: string): string {
  const url = new URL(stackUrl);
  url.pathname = `/${DEMO_DATABASE}`;
  return url.toString();
}

/** The URL as the demo prints it: the password (the stack's own, in .stack/) left out. */
export function withoutPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

/** Creates the demo database when missing (safe when two demos start at once). */
export async function ensureDemoDatabase(stackUrl: string): Promise<string> {
  const admin = createDb(stackUrl, { max: 1 });
  try {
    const [row] = await admin.sql`select 1 as present from pg_database where datname = ${DEMO_DATABASE}`;
    if (!row) {
      try {
        await admin.sql.unsafe(`create database ${DEMO_DATABASE}`);
      } catch (error) {
        // 42P04 duplicate_database: another demo created it first; 23505: the same race inside the catalog.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await admin.close();
  }
  return demoDatabaseUrl(stackUrl);
}
