// setPassword() resolves only when Dovecot refuses the old password and accepts the new one.
import { afterEach, describe, expect, it } from 'vitest';
import { createMailUser, kick, openImap, removeMailUser, setPassword, waitFor, type MailUser } from '../src/index';

const users: MailUser[] = [];
afterEach(async () => {
  await Promise.all(users.splice(0).map((u) => removeMailUser(u)));
});

async function loginFails(user: MailUser, password: string): Promise<boolean> {
  try {
    const client = await openImap(user, { password });
    await client.logout();
    return false;
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed) return true;
    throw error;
  }
}

describe('setPassword', () => {
  it('refuses the old password and accepts the new one as soon as it resolves', async () => {
    const user = await createMailUser({ password: 'old-password-1' });
    users.push(user);
    // Log in first so Dovecot has read the file in this second: the change must still be seen.
    expect(await loginFails(user, 'old-password-1')).toBe(false);
    const changed = await setPassword(user, 'new-password-2');
    expect(changed.password).toBe('new-password-2');
    expect(await loginFails(user, 'old-password-1')).toBe(true);
    expect(await loginFails(user, 'new-password-2')).toBe(false);
  });

  it('survives two changes in a row (same hash length, same second)', async () => {
    const user = await createMailUser({ password: 'aaaaaaaa' });
    users.push(user);
    await setPassword(user, 'bbbbbbbb');
    await setPassword(user, 'cccccccc');
    expect(await loginFails(user, 'bbbbbbbb')).toBe(true);
    expect(await loginFails(user, 'cccccccc')).toBe(false);
  });
});

describe('kick', () => {
  it('ends an open session, which then emits close', async () => {
    const user = await createMailUser();
    users.push(user);
    const client = await openImap(user);
    let closed = false;
    client.on('close', () => (closed = true));
    await kick(user);
    await waitFor(() => closed, { what: 'the kicked session to close', timeoutMs: 5_000 });
    expect(client.usable).toBe(false);
  });
});
