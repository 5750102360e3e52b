// PostgreSQL reached the way an operator configures it: libpq's sslmode/sslrootcert in DATABASE_URL,
// a password the stack requires, and the refusal to use a remote database without authentication.
import { describe, expect, it } from 'vitest';
import { createDb, migrate, postgresConnection, unauthenticatedDatabaseProblem } from '../src/index';
import { DATABASE_URL } from './helpers';

function tlsUrl(): string {
  const url = process.env.STACK_DATABASE_TLS_URL;
  if (!url) throw new Error('STACK_DATABASE_TLS_URL is not set: start the stack (npm run stack -- start) and source .stack/env');
  return url;
}

async function sslInUse(url: string): Promise<boolean> {
  const handle = createDb(url, { max: 1 });
  try {
    const rows = await handle.sql<{ ssl: boolean }[]>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`;
    return rows[0]!.ssl;
  } finally {
    await handle.close();
  }
}

describe('DATABASE_URL with TLS', () => {
  it('connects with sslmode=verify-full against the CA named by sslrootcert, and migrations run over it', async () => {
    expect(await sslInUse(tlsUrl())).toBe(true);
    await migrate(tlsUrl());
  });

  it('refuses the server when its certificate is not signed by a trusted CA', async () => {
    const withoutCa = tlsUrl().replace(/&?sslrootcert=[^&]*/, '');
    await expect(sslInUse(withoutCa)).rejects.toThrow(/self[- ]signed certificate/i);
  });

  it('checks the name the URL uses against the certificate: an IP address in its SAN passes', async () => {
    expect(await sslInUse(tlsUrl().replace('@localhost:', '@127.0.0.1:'))).toBe(true);
  });

  it('keeps libpq parameters away from the server (postgres.js would send them as startup parameters)', () => {
    const { url } = postgresConnection('postgres://u:p@db.example/x?sslmode=verify-full&sslrootcert=/dev/null&application_name=w');
    expect(url).toBe('postgres://u:p@db.example/x?application_name=w');
  });

  it('says what to fix for an unknown sslmode or an unreadable CA file', () => {
    expect(() => postgresConnection('postgres://u:p@h/x?sslmode=verify')).toThrow(/sslmode=verify; use one of disable, allow/);
    expect(() => postgresConnection('postgres://u:p@h/x?sslmode=verify-full&sslrootcert=/nonexistent.pem')).toThrow(
      /sslrootcert=\/nonexistent\.pem cannot be read/,
    );
  });
});

describe('authentication', () => {
  it('the local stack asks for a password: a URL without one is refused', async () => {
    const url = new URL(DATABASE_URL);
    expect(url.password).not.toBe('');
    url.password = '';
    await expect(sslInUse(url.toString())).rejects.toThrow(/password/i);
  });

  it('a remote database without a password is refused with a sentence; loopback, a password or a client certificate pass', () => {
    expect(unauthenticatedDatabaseProblem('postgres://reply_sync@db.internal.example:5432/reply_sync')).toMatch(
      /DATABASE_URL points at db\.internal\.example, which is not this machine, without a password/,
    );
    expect(unauthenticatedDatabaseProblem('postgres://reply_sync@10.0.0.5/reply_sync')).not.toBeNull();
    expect(unauthenticatedDatabaseProblem('postgres://reply_sync@127.0.0.1:54329/reply_sync')).toBeNull();
    expect(unauthenticatedDatabaseProblem('postgres://reply_sync@localhost/reply_sync')).toBeNull();
    expect(unauthenticatedDatabaseProblem('postgres://reply_sync@[::1]/reply_sync')).toBeNull();
    expect(unauthenticatedDatabaseProblem('postgres://reply_sync:secret@db.internal.example/reply_sync')).toBeNull();
    expect(unauthenticatedDatabaseProblem('postgres://reply_sync@db.internal.example/reply_sync', { PGPASSWORD: 'x' })).toBeNull();
    expect(
      unauthenticatedDatabaseProblem('postgres://reply_sync@db.internal.example/r?sslmode=verify-full&sslcert=/c.pem&sslkey=/k.pem'),
    ).toBeNull();
  });
});
