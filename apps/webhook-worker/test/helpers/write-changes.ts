// A process that writes changes until it is killed: it connects inboxes in ACCOUNT_ID's account one
// by one (each commit writes an `inbox.connected` event to the outbox) and prints each committed id.
import { createDb, parseEncryptionKeys, scoped } from '@reply-sync/db';

const db = createDb(process.env.DATABASE_URL!, { max: 2 });
const s = scoped(db.db, process.env.ACCOUNT_ID!);
const keys = parseEncryptionKeys(process.env.REPLY_SYNC_ENCRYPTION_KEYS);
for (let n = 0; ; n++) {
  const inbox = await s.inboxes.create(
    { kind: 'team', address: `w${n}-${process.pid}@mail.test`, imapHost: '127.0.0.1', imapPort: 51143, imapTls: 'starttls', username: 'x', credentials: { password: 'p' } },
    keys,
  );
  process.stdout.write(`committed ${inbox.id}\n`);
}
