// A user made by createMailUser() logs in at once, over STARTTLS and IMAPS, trusting only the stack's cert.
import { afterEach, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import { createMailUser, openImap, removeMailUser, type MailUser } from '../src/index';

const users: MailUser[] = [];
const clients: ImapFlow[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.logout().catch(() => undefined)));
  await Promise.all(users.splice(0).map((u) => removeMailUser(u)));
});

async function newUser(profile: 'standard' | 'gmail'): Promise<MailUser> {
  const user = await createMailUser({ profile });
  users.push(user);
  return user;
}

describe('createMailUser', () => {
  it.each(['standard', 'gmail'] as const)('gives a %s user that logs in over STARTTLS on the plain port', async (profile) => {
    const user = await newUser(profile);
    expect(user.address).toMatch(profile === 'gmail' ? /@gmail\.test$/ : /@mail\.test$/);
    const client = await openImap(user);
    clients.push(client);
    expect(client.authenticated).toBeTruthy();
    // STARTTLS upgraded the plain-port socket: the certificate was checked against the stack CA.
    expect((client as unknown as { socket: { encrypted?: boolean } }).socket.encrypted).toBe(true);
  });

  it('gives a user that logs in over IMAPS with the stack certificate', async () => {
    const user = await newUser('standard');
    const client = await openImap(user, { secure: true });
    clients.push(client);
    expect(client.secureConnection).toBe(true);
    expect(client.authenticated).toBeTruthy();
  });

  it('refuses a wrong password with AUTHENTICATIONFAILED', async () => {
    const user = await newUser('standard');
    const error = await openImap(user, { password: 'not-the-password' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ authenticationFailed: true });
  });

  it('gives each user its own uid and a unique address', async () => {
    const [a, b] = await Promise.all([newUser('standard'), newUser('standard')]);
    expect(a?.address).not.toBe(b?.address);
    expect(a?.uid).toBeGreaterThanOrEqual(20_000);
    expect(a?.uid).toBeLessThan(60_000);
  });

  it('refuses a certificate it was not told to trust', async () => {
    const user = await newUser('standard');
    const error = await openImap(user, { secure: true, client: { tls: { rejectUnauthorized: true } } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((error as { code?: string })?.code ?? error)).toMatch(/SELF_SIGNED|CERT|UNABLE_TO_VERIFY/);
  });
});
