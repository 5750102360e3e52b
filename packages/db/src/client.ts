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

/** One dedicated connection for LISTEN (see openNotifyConnection). */
export interface NotifyConnection {
  /** LISTEN on `channel` (an identifier of ours, quoted here). */
  listen(channel: string): Promise<void>;
  /** A round-trip on the connection: rejects when it is gone. */
  ping(): Promise<void>;
  /** The PostgreSQL backend's pid of this connection (diagnostics; tests end the session by it). */
  backendPid(): Promise<number>;
  /** Closes at once; onClose fires. */
  close(): Promise<void>;
}

export interface NotifyConnectionHandlers {
  onNotify(channel: string, payload: string): void;
  /** The connection closed (server restart, network, close()): its LISTENs are gone with it. */
  onClose(): void;
  connectTimeoutSeconds?: number;
}

/**
 * A single connection that is never recycled, for LISTEN, with a close callback. Unlike postgres.js's
 * sql.listen() (which re-LISTENs once after a drop and gives up silently when that fails), the caller
 * learns of every loss and decides how to re-establish it and what to re-check.
 */
export function openNotifyConnection(databaseUrl: string, handlers: NotifyConnectionHandlers): NotifyConnection {
  const sql = postgres(databaseUrl, {
    max: 1,
    max_lifetime: 0, // never recycled (0 disables the timer; idle_timeout is off by default)
    fetch_types: false,
    connect_timeout: handlers.connectTimeoutSeconds ?? 10,
    onnotice: () => {},
    onclose: () => handlers.onClose(),
    // The hook postgres.js's own listen() uses (its src/index.js); not in its typings.
    ...({ onnotify: (channel: string, payload: string) => handlers.onNotify(channel, payload) } as object),
  });
  return {
    async listen(channel) {
      await sql.unsafe(`LISTEN "${channel.replace(/"/g, '""')}"`);
    },
    async ping() {
      await sql`select 1`;
    },
    async backendPid() {
      const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
      return row!.pid;
    },
    close: () => sql.end({ timeout: 0 }),
  };
}
