// Dovecot's oauth2 passdb asks the fake OAuth server (POST /introspect) about each token: a live access
// token logs in over IMAP (imapflow, and a raw AUTHENTICATE XOAUTH2), a revoked or expired one is refused.
import net from 'node:net';
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailUser, oauthServer, removeMailUser, stack, type MailUser, type ProfileName } from '../src/index';

const users: MailUser[] = [];
afterEach(async () => {
  await Promise.all(users.splice(0).map((u) => removeMailUser(u)));
});

async function imapflowLogin(user: MailUser, accessToken: string): Promise<void> {
  const p = stack.profiles[user.profile];
  const client = new ImapFlow({
    host: p.host,
    port: p.imapPort,
    secure: false,
    doSTARTTLS: true,
    tls: { ca: [stack.caCert] },
    auth: { user: user.user, accessToken },
    logger: false,
  });
  client.on('error', () => {});
  await client.connect();
  await client.logout();
}

/** AUTHENTICATE XOAUTH2 over a plain loopback session; resolves with the tagged answer. */
function rawXoauth2(profile: ProfileName, user: string, accessToken: string): Promise<string> {
  const p = stack.profiles[profile];
  const payload = Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64');
  return new Promise((resolve, reject) => {
    const socket = net.connect(p.imapPort, p.host);
    let buffer = '';
    let sent = false;
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      if (!sent && buffer.includes('* OK')) {
        sent = true;
        socket.write(`a1 AUTHENTICATE XOAUTH2 ${payload}\r\n`);
      }
      // A failed XOAUTH2 gets a "+ <base64 JSON>" continuation first; the client answers with an empty line.
      if (/^\+ /m.test(buffer) && !buffer.includes('a1 ')) {
        buffer = buffer.replace(/^\+ .*\r\n/m, '');
        socket.write('\r\n');
      }
      const done = /^a1 (OK|NO|BAD).*$/m.exec(buffer);
      if (done) {
        socket.end('a2 LOGOUT\r\n');
        resolve(done[0]);
      }
    });
  });
}

describe('Dovecot XOAUTH2 against the fake OAuth server', () => {
  it.each(['gmail', 'standard'] as const)('profile %s: a live token logs in; revoked and expired ones are refused', async (profile) => {
    const user = await createMailUser({ profile });
    users.push(user);
    const grant = await oauthServer.createGrant({ provider: profile === 'gmail' ? 'google' : 'microsoft', username: user.user });

    await imapflowLogin(user, grant.accessToken);
    expect(await rawXoauth2(profile, user.user, grant.accessToken)).toMatch(/^a1 OK/);
    // The token belongs to this user only.
    const other = await createMailUser({ profile });
    users.push(other);
    expect(await rawXoauth2(profile, other.user, grant.accessToken)).toMatch(/^a1 NO/);

    const second = await oauthServer.newAccessToken(grant.grantId);
    await oauthServer.expireAccessTokens(grant.grantId);
    expect(await rawXoauth2(profile, user.user, grant.accessToken)).toMatch(/^a1 NO/);

    const third = await oauthServer.newAccessToken(grant.grantId);
    await imapflowLogin(user, third);
    await oauthServer.revoke(grant.grantId);
    const refused = await imapflowLogin(user, third).then(
      () => null,
      (e: unknown) => e as { authenticationFailed?: boolean },
    );
    expect(refused?.authenticationFailed).toBe(true);
    expect(await rawXoauth2(profile, user.user, third)).toMatch(/^a1 NO/);
    expect(second).not.toBe(third);
  });

  it('introspection answers active with the username only for live tokens', async () => {
    const grant = await oauthServer.createGrant({ provider: 'google', username: 'someone@gmail.test' });
    expect(await oauthServer.introspect(grant.accessToken)).toMatchObject({ active: true, username: 'someone@gmail.test' });
    expect(await oauthServer.introspect('fake-at-unknown')).toEqual({ active: false });
    await oauthServer.revoke(grant.grantId);
    expect(await oauthServer.introspect(grant.accessToken)).toEqual({ active: false });
  });
});
