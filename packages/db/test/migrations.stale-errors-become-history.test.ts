// Migration 0007 on a database that already has inboxes: an error whose run had ended (the stale
// errors every inbox showed after an outage) moves into the history as `recovered`; a run still going
// on stays the inbox's current error.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_FOLDER } from '../src/migrate';
import { DATABASE_URL } from './helpers';

/** A timestamp column as a Date (this bare client returns the text). */
const at = (value: unknown) => (value == null ? null : new Date(String(value)));

/** The committed migrations before `tag`, in a folder of their own. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'reply-sync-mig-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((e) => e.tag === tag);
  expect(index).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, index);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('migration 0007_inbox_last_synced', () => {
  it('moves errors of runs that had ended into the history as recovered and keeps a current run', async () => {
    const name = `reply_sync_mig_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const url = new URL(DATABASE_URL);
    url.pathname = `/${name}`;
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    const folder = migrationsBefore('0007_inbox_last_synced');
    try {
      await drizzleMigrate(drizzle(sql), { migrationsFolder: folder });
      const [account] = await sql`insert into accounts (name) values ('mig') returning id`;
      const inbox = async (address: string, errors: { last: string | null; lastAt: string | null; firstAt: string | null }) => {
        const [row] = await sql`
          insert into inboxes (account_id, kind, address, imap_host, imap_port, imap_tls, username, last_error, last_error_at, first_error_at)
          values (${account!.id}, 'team', ${address}, 'h', 143, 'tls', 'u', ${errors.last}, ${errors.lastAt}, ${errors.firstAt}) returning id`;
        return row!.id as string;
      };
      const recovered = await inbox('recovered@mail.test', { last: 'connect ETIMEDOUT', lastAt: '2026-11-20T10:00:00Z', firstAt: null });
      const failing = await inbox('failing@mail.test', { last: 'ECONNREFUSED', lastAt: '2026-11-20T11:00:00Z', firstAt: '2026-11-20T10:30:00Z' });
      const fine = await inbox('fine@mail.test', { last: null, lastAt: null, firstAt: null });

      await migrate(url.toString());

      const rows = await sql`select id, last_error, last_error_at, first_error_at, last_synced_at from inboxes order by address`;
      const byId = new Map(rows.map((r) => [r.id as string, { ...r, last_error_at: at(r.last_error_at), first_error_at: at(r.first_error_at), last_synced_at: at(r.last_synced_at) }]));
      expect(byId.get(recovered)).toMatchObject({ last_error: null, last_error_at: null, first_error_at: null, last_synced_at: null });
      expect(byId.get(failing)).toMatchObject({ last_error: 'ECONNREFUSED', first_error_at: new Date('2026-11-20T10:30:00Z') });
      expect(byId.get(fine)).toMatchObject({ last_error: null });
      const history = await sql`select inbox_id, status, reason_code, detail, last_error_at, at from inbox_status_history`;
      expect(history.map((h) => ({ ...h, last_error_at: at(h.last_error_at), at: at(h.at) }))).toEqual([
        {
          inbox_id: recovered,
          status: 'connected',
          reason_code: 'recovered',
          detail: 'connect ETIMEDOUT',
          last_error_at: new Date('2026-11-20T10:00:00Z'),
          at: new Date('2026-11-20T10:00:00Z'),
        },
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await sql.end({ timeout: 5 });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    }
  });
});
