// Migrations apply to an empty database, again without effect, and concurrently without racing.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { migrate } from '../src/migrate';
import { DATABASE_URL } from './helpers';

function urlFor(database: string): string {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

describe('migrations from an empty database', () => {
  it('creates every table, the unique indexes and the NOTIFY trigger; a second and concurrent runs are no-ops', async () => {
    const name = `reply_sync_mig_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    try {
      const url = urlFor(name);
      await Promise.all([migrate(url), migrate(url), migrate(url)]);
      await migrate(url);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const tables = await sql<{ tablename: string }[]>`
          select tablename from pg_tables where schemaname = 'public' order by tablename`;
        expect(tables.map((t) => t.tablename)).toEqual([
          'accounts',
          'api_keys',
          'attachments',
          'companies',
          'console_sessions',
          'console_users',
          'contact_companies',
          'contact_deals',
          'contacts',
          'deals',
          'decisions',
          'do_not_track',
          'email_associations',
          'idempotency_keys',
          'inbound_addresses',
          'inbound_messages',
          'inbox_status_history',
          'inboxes',
          'logged_emails',
          'logging_folder_checkpoints',
          'never_log',
          'outgoing_attachments',
          'outgoing_emails',
          'tracking_events',
          'users',
          'webhook_attempts',
          'webhook_deliveries',
          'webhook_endpoints',
          'webhook_events',
        ]);
        const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(applied[0]!.n).toBeGreaterThanOrEqual(2);
        const indexes = await sql<{ indexdef: string }[]>`
          select indexdef from pg_indexes where indexname in
            ('logged_emails_account_message_id_uq', 'contacts_account_email_lower_uq', 'decisions_inbox_mailbox_uid_uq', 'api_keys_prefix_uq', 'inbound_addresses_token_uq', 'tracking_events_dedupe_key_uq')
          order by indexname`;
        expect(indexes.map((i) => i.indexdef)).toEqual([
          expect.stringMatching(/UNIQUE INDEX .* \(prefix\)/),
          expect.stringMatching(/UNIQUE INDEX .* \(account_id, lower\(email\)\)/),
          expect.stringMatching(/UNIQUE INDEX .* \(inbox_id, mailbox, uidvalidity, uid\)/),
          expect.stringMatching(/UNIQUE INDEX .* \(token\)/),
          expect.stringMatching(/UNIQUE INDEX .* \(account_id, message_id_norm\)/),
          expect.stringMatching(/UNIQUE INDEX .* \(dedupe_key\)/),
        ]);

        // The trigger tells a LISTENer about a new inbox.
        const received: string[] = [];
        const listener = await sql.listen('reply_sync_inboxes', (payload) => received.push(payload));
        const [account] = await sql`insert into accounts (name) values ('mig') returning id`;
        const [inbox] = await sql`
          insert into inboxes (account_id, kind, address, imap_host, imap_port, imap_tls, username)
          values (${account!.id}, 'team', 'team@mail.test', 'h', 143, 'tls', 'u') returning id`;
        await sql`update inboxes set status = 'disconnected' where id = ${inbox!.id}`;
        await sql`delete from inboxes where id = ${inbox!.id}`;
        for (let i = 0; i < 50 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
        await listener.unlisten();
        expect(received.map((p) => JSON.parse(p))).toEqual([
          { op: 'insert', inboxId: inbox!.id, accountId: account!.id, status: 'connected', credentialsVersion: 1 },
          { op: 'update', inboxId: inbox!.id, accountId: account!.id, status: 'disconnected', credentialsVersion: 1 },
          { op: 'delete', inboxId: inbox!.id, accountId: account!.id, status: 'deleted', credentialsVersion: 1 },
        ]);

        // The outbox's trigger wakes the webhook relays, only for a statement that inserted an event.
        const woken: string[] = [];
        const relay = await sql.listen('reply_sync_webhook_events', (payload) => woken.push(payload));
        await sql`insert into webhook_events (id, account_id, type, payload) select 'evt_none', ${account!.id}, 'inbox.connected', '{}' where false`;
        await sql`insert into webhook_events (id, account_id, type, payload) values ('evt_one', ${account!.id}, 'inbox.connected', '{}')`;
        for (let i = 0; i < 50 && woken.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
        await sql`select pg_sleep(0.1)`;
        await relay.unlisten();
        expect(woken).toEqual(['']);
      } finally {
        await sql.end({ timeout: 5 });
      }
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    }
  });
});
