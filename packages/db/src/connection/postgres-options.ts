// DATABASE_URL as libpq reads it, turned into postgres.js options: `sslmode` (disable … verify-full) and
// `sslrootcert` / `sslcert` / `sslkey` files, which postgres.js would otherwise send to the server as
// unknown startup parameters. Also the rule that a remote database must ask for a password.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type postgres from 'postgres';
import { isLoopbackHost } from './is-loopback-host';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];
const FILE_PARAMS = ['sslrootcert', 'sslcert', 'sslkey'] as const;

export class DatabaseUrlError extends Error {
  readonly code = 'database_url_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

export interface PostgresConnection {
  /** The URL without the parameters handled here. */
  url: string;
  ssl: postgres.Options<Record<string, never>>['ssl'];
}

/**
 * Splits the TLS parameters off a DATABASE_URL. `verify-ca` and `verify-full` check the server's
 * certificate against `sslrootcert` (a PEM file) or the system's CAs; `verify-full` also checks its name.
 * `require` encrypts without checking, as libpq does when no root certificate is given. Throws
 * DatabaseUrlError with a sentence for an unknown mode or an unreadable file.
 */
export function postgresConnection(databaseUrl: string): PostgresConnection {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new DatabaseUrlError('DATABASE_URL is not a URL; write it as postgres://user:password@host:5432/database.');
  }
  const rawMode = url.searchParams.get('sslmode') ?? url.searchParams.get('ssl');
  const files: Partial<Record<(typeof FILE_PARAMS)[number], string>> = {};
  for (const name of FILE_PARAMS) {
    const value = url.searchParams.get(name);
    if (value) files[name] = value;
    url.searchParams.delete(name);
  }
  url.searchParams.delete('sslmode');
  url.searchParams.delete('ssl');
  const mode: SslMode = rawMode === null ? (files.sslrootcert ? 'verify-full' : 'disable') : parseMode(rawMode);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const tls: ConnectionOptions = {};
  if (files.sslrootcert && files.sslrootcert !== 'system') tls.ca = readPem(files.sslrootcert, 'sslrootcert');
  if (files.sslcert) tls.cert = readPem(files.sslcert, 'sslcert');
  if (files.sslkey) tls.key = readPem(files.sslkey, 'sslkey');
  let ssl: PostgresConnection['ssl'];
  switch (mode) {
    case 'disable':
      ssl = false;
      break;
    case 'allow':
    case 'prefer':
      ssl = Object.keys(tls).length > 0 ? { ...tls, rejectUnauthorized: false } : 'prefer';
      break;
    case 'require':
      ssl = { ...tls, rejectUnauthorized: false };
      break;
    case 'verify-ca':
      ssl = { ...tls, rejectUnauthorized: true, checkServerIdentity: () => undefined };
      break;
    case 'verify-full':
      // tls.connect gets the socket, not the host: name the host so the certificate is checked against it.
      ssl = { ...tls, rejectUnauthorized: true, host, ...(isIP(host) ? {} : { servername: host }) };
      break;
  }
  return { url: url.toString(), ssl };
}

function parseMode(raw: string): SslMode {
  const mode = raw === 'true' ? 'require' : raw === 'false' ? 'disable' : raw;
  if ((SSL_MODES as readonly string[]).includes(mode)) return mode as SslMode;
  throw new DatabaseUrlError(`DATABASE_URL has sslmode=${raw}; use one of ${SSL_MODES.join(', ')}.`);
}

function readPem(path: string, param: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DatabaseUrlError(
      `DATABASE_URL's ${param}=${path} cannot be read (${error instanceof Error ? error.message : String(error)}); point it at a PEM file.`,
    );
  }
}

/**
 * A sentence when DATABASE_URL points off this machine without a way to authenticate (no password in
 * the URL or PGPASSWORD, no client certificate); null when it is fine. A database any host can reach
 * without a password holds every tenant's mail and credentials.
 */
export function unauthenticatedDatabaseProblem(databaseUrl: string, env: { PGPASSWORD?: string | undefined } = {}): string | null {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return null; // the URL check reports it
  }
  const host = url.hostname || 'localhost';
  if (isLoopbackHost(host) || host.startsWith('%2F') || host.startsWith('/')) return null;
  if (url.password || env.PGPASSWORD || url.searchParams.get('sslcert')) return null;
  return (
    `DATABASE_URL points at ${host}, which is not this machine, without a password: put it in the URL ` +
    `(postgres://user:password@${host}/database) or PGPASSWORD, or use a client certificate (sslcert and sslkey). ` +
    `If that server authenticates clients another way, set REPLY_SYNC_ALLOW_UNAUTHENTICATED=true.`
  );
}
