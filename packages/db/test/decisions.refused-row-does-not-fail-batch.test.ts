// One decision the database refuses (a value past a limit nothing upstream caught) must not fail its
// batch: the rest are recorded, the refused one is kept as `malformed` without its header values, and
// the checkpoint moves past all of them, so the inbox keeps syncing instead of retrying forever.
// The refusal is PostgreSQL's own: a trigger in a database of this test's raises a data exception for
// one subject, as the btree index did for a 990-character non-Latin Message-ID.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, scoped, createAccount, type DbHandle } from '../src/index';
import { DATABASE_URL, inboxInput, testKeys } from './helpers';

const name = `reply_sync_refused_${randomUUID().slice(0, 8)}`;
const url = (() => {
  const u = new URL(DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
})();
let admin: DbHandle;
let handle: DbHandle;

beforeAll(async () => {
  admin = createDb(DATABASE_URL, { max: 1 });
  await admin.sql.unsafe(`CREATE DATABASE ${name}`);
  await migrate(url);
  handle = createDb(url, { max: 2 });
  await handle.sql.unsafe(`
    CREATE FUNCTION refuse_one_subject() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.subject = 'refuse me' THEN RAISE EXCEPTION 'value refused for this test' USING ERRCODE = '22023'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_one_subject BEFORE INSERT ON decisions FOR EACH ROW EXECUTE FUNCTION refuse_one_subject();`);
});

afterAll(async () => {
  await handle?.close();
  await admin?.sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin?.close();
});

describe('decisions.record with a row the database refuses', () => {
  it('records the others, keeps the refused one as malformed, and saves the checkpoint', async () => {
    const account = await createAccount(handle.db, 'refused');
    const s = scoped(handle.db, account.id);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const row = (uid: number, subject: string) => ({
      inboxId: inbox.id,
      uidvalidity: 9,
      uid,
      messageId: `<m${uid}@x.test>`,
      reasonCode: 'not_a_reply' as const,
      fromAddress: 'a@x.test',
      subject,
    });
    const result = await s.decisions.record([row(1, 'fine'), row(2, 'refuse me'), row(3, 'fine too')], { inboxId: inbox.id, uidvalidity: 9, lastUid: 3 });
    expect(result).toEqual({ inserted: 3 });
    const rows = (await s.decisions.forInbox(inbox.id)).sort((a, b) => a.uid - b.uid);
    expect(rows.map((r) => [r.uid, r.reasonCode, r.subject])).toEqual([
      [1, 'not_a_reply', 'fine'],
      [2, 'malformed', null],
      [3, 'not_a_reply', 'fine too'],
    ]);
    expect(rows[1]!.detail).toMatch(/the database refused this message's values \(22023: value refused for this test\)/);
    expect(await s.inboxes.get(inbox.id)).toMatchObject({ uidvalidity: 9, lastUid: 3 });
  });
});
