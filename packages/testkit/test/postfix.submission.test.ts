// Postfix: submission with AUTH (Dovecot SASL) delivers into Dovecot; the MX port takes mail without AUTH.
import { afterEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { composeEmail, createMailUser, openImap, removeMailUser, stack, uniqueName, waitFor, type MailUser } from '../src/index';

const users: MailUser[] = [];
afterEach(async () => {
  await Promise.all(users.splice(0).map((u) => removeMailUser(u)));
});

async function newUser(profile: 'standard' | 'gmail' = 'standard'): Promise<MailUser> {
  const user = await createMailUser({ profile });
  users.push(user);
  return user;
}

function submission(auth?: { user: string; pass: string }) {
  return nodemailer.createTransport({
    host: stack.smtp.host,
    port: stack.smtp.submissionPort,
    secure: false,
    requireTLS: true,
    tls: { ca: [stack.caCert] },
    ...(auth ? { auth } : {}),
  });
}

async function inboxCount(user: MailUser): Promise<number> {
  const client = await openImap(user);
  try {
    const status = await client.status('INBOX', { messages: true });
    return status ? (status.messages ?? 0) : 0;
  } finally {
    await client.logout();
  }
}

describe('Postfix submission (51587)', () => {
  it.each(['standard', 'gmail'] as const)('delivers an authenticated send to a %s user INBOX', async (profile) => {
    const [from, to] = [await newUser(), await newUser(profile)];
    const transport = submission({ user: from.user, pass: from.password });
    const raw = await composeEmail({ from: from.address, to: to.address, subject: 'hello', text: 'hi', messageId: `${uniqueName('m')}@mail.test` });
    const info = await transport.sendMail({ envelope: { from: from.address, to: [to.address] }, raw });
    transport.close();
    expect(info.accepted).toEqual([to.address]);
    await waitFor(async () => (await inboxCount(to)) === 1, { what: `the message in ${to.address}'s INBOX`, timeoutMs: 10_000 });
  });

  it('authenticates a gmail.test user too and delivers to a mail.test user', async () => {
    const [from, to] = [await newUser('gmail'), await newUser('standard')];
    const transport = submission({ user: from.user, pass: from.password });
    const info = await transport.sendMail({ from: from.address, to: to.address, subject: 'from gmail', text: 'x' });
    transport.close();
    expect(info.accepted).toEqual([to.address]);
    await waitFor(async () => (await inboxCount(to)) === 1, { what: `the message in ${to.address}'s INBOX`, timeoutMs: 10_000 });
  });

  it('refuses a wrong password with EAUTH 535', async () => {
    const from = await newUser();
    const transport = submission({ user: from.user, pass: 'wrong' });
    const error = await transport.sendMail({ from: from.address, to: from.address, text: 'x' }).catch((e: unknown) => e);
    transport.close();
    expect(error).toMatchObject({ code: 'EAUTH', responseCode: 535 });
  });

  it('refuses to relay without AUTH', async () => {
    const to = await newUser();
    const transport = submission();
    const error = await transport.sendMail({ from: 'someone@else.test', to: to.address, text: 'x' }).catch((e: unknown) => e);
    transport.close();
    expect(error).toMatchObject({ code: 'EENVELOPE' });
  });

  it('rejects an unknown local recipient at RCPT with 550', async () => {
    const from = await newUser();
    const transport = submission({ user: from.user, pass: from.password });
    const error = await transport
      .sendMail({ from: from.address, to: `${uniqueName('nobody')}@mail.test`, text: 'x' })
      .catch((e: unknown) => e);
    transport.close();
    expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
  });

  it('refuses sending as an address the login does not own (553)', async () => {
    const [from, other] = [await newUser(), await newUser()];
    const transport = submission({ user: from.user, pass: from.password });
    const error = await transport.sendMail({ from: other.address, to: other.address, text: 'x' }).catch((e: unknown) => e);
    transport.close();
    expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 553 });
  });
});

describe('Postfix MX (51025)', () => {
  it('accepts mail for a gmail.test user without AUTH and delivers it', async () => {
    const to = await newUser('gmail');
    const transport = nodemailer.createTransport({ host: stack.smtp.host, port: stack.smtp.mxPort, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'ana@contact.test', to: to.address, subject: 'in', text: 'x' });
    transport.close();
    await waitFor(async () => (await inboxCount(to)) === 1, { what: `the message in ${to.address}'s INBOX`, timeoutMs: 10_000 });
  });
});
