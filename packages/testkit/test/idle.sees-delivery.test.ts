// An IDLE session learns of a delivery (EXISTS) within a few seconds: Dovecot's inotify path works.
import { afterEach, describe, expect, it } from 'vitest';
import { composeEmail, createMailUser, deliver, openImap, removeMailUser, waitFor, type MailUser } from '../src/index';

const users: MailUser[] = [];
afterEach(async () => {
  await Promise.all(users.splice(0).map((u) => removeMailUser(u)));
});

describe('IDLE', () => {
  it.each(['standard', 'gmail'] as const)('reports a delivery to a %s INBOX within 3 s', async (profile) => {
    const user = await createMailUser({ profile });
    users.push(user);
    const client = await openImap(user);
    try {
      const lock = await client.getMailboxLock('INBOX');
      let exists = 0;
      client.on('exists', (data: { count: number }) => (exists = data.count));
      const idling = client.idle();
      const raw = await composeEmail({ from: 'ana@contact.test', to: user.address, subject: 'ping', text: 'x' });
      const started = Date.now();
      await deliver(user, raw);
      await waitFor(() => exists === 1, { what: 'EXISTS 1 during IDLE', timeoutMs: 3_000, intervalMs: 20 });
      expect(Date.now() - started).toBeLessThan(3_000);
      lock.release();
      void idling;
    } finally {
      await client.logout();
    }
  });
});
