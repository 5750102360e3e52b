// Applies the committed drizzle/ migrations. Safe to call from several processes at once: runs are
// serialised with a PostgreSQL advisory lock, and the second run finds nothing left to do.
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import { openPostgres } from './client';

// packages/db/src/../drizzle; compiled, dist/app/../drizzle (scripts/build.ts copies the folder there).
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));
/** Arbitrary constant shared by every migrate() caller. */
const MIGRATION_LOCK_KEY = 7_262_010_001;

export async function migrate(databaseUrl: string): Promise<void> {
  // One connection, so the advisory lock and the migration run on the same session.
  const sql = openPostgres(databaseUrl, { max: 1 });
  try {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await drizzleMigrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// `npm run db:migrate -w @reply-sync/db` (or `tsx src/migrate.ts`)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const url = process.env.DATABASE_URL ?? 'postgres://reply_sync@127.0.0.1:54329/reply_sync';
  migrate(url).then(
    () => console.log('Migrations applied.'),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
