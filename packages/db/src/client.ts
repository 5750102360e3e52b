// Opens a PostgreSQL connection pool (postgres.js) with drizzle on top. One per process.
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { postgresConnection } from './connection/index';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PostgresJsDatabase<Schema>;
/** A transaction handle from db.transaction(); accepted wherever a Db is. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the pool or an open transaction. */
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  /** The raw postgres.js client, for LISTEN/NOTIFY and plain SQL. */
  sql: postgres.Sql;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Pool size; default 10. */
  max?: number;
}

/** A postgres.js client for a DATABASE_URL, its libpq TLS parameters (sslmode, sslrootcert, ...) applied. */
export function openPostgres(databaseUrl: string, options: postgres.Options<Record<string, never>> = {}): postgres.Sql {
  const { url, ssl } = postgresConnection(databaseUrl);
  return postgres(url, { onnotice: () => {}, ...options, ssl });
}

export function createDb(databaseUrl: string, options: CreateDbOptions = {}): DbHandle {
  const sql = openPostgres(databaseUrl, { max: options.max ?? 10 });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
