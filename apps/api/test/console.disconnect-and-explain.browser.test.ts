// In Chromium, with a real sync worker on the real stack: explain shows the decision for a reply from an
// alias (where it was found: INBOX) and, after "look in the folders", for a reply filed in a subfolder;
// after the mailbox's password changes the inbox shows as disconnected with its reason and history, and
// the page's reconnect form brings it back. Screenshots of the inboxes (desktop and phone), the inbox and explain.
import { parseEncryptionKeys } from '@reply-sync/db';
import { addContact, connectInbox, logEmail } from '@reply-sync/operations';
import { createRedisConnection, deleteFleet, registerInboxes } from '@reply-sync/queue';
import { createLogger, parseWorkerEnv, startWorker, type RunningWorker } from '@reply-sync/sync-worker';
import { appendTo, composeEmail, createMailbox, createMailUser, deliver, kick, setPassword, stack, uniqueName, waitFor, type MailUser } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, screenshot, signIn, startConsoleBrowser, textOf, type ConsoleBrowser } from './console-browser';
import type { TestAccount } from './helpers';

let cb: ConsoleBrowser;
let a: TestAccount;
let ana: MailUser;
let bob: MailUser;
let inboxId: string;
let worker: RunningWorker;
const queue = uniqueName('console-fleet');
const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
const stamp = uniqueName('c');
const proposalId = `<proposal-${stamp}@crm.example>`;
const aliasReplyId = `<alias-${stamp}@acme.example>`;
const filedReplyId = `<filed-${stamp}@acme.example>`;

beforeAll(async () => {
  cb = await startConsoleBrowser();
  a = await cb.api.account();
  [ana, bob] = await Promise.all([createMailUser({ profile: 'standard' }), createMailUser({ profile: 'standard' })]);
  await a.s.users.add({ email: ana.address, name: 'Ana Seller' });
  await addContact(a.s, { email: bob.address, name: 'Bob Buyer', company: 'Acme Corp', ownerEmail: ana.address });
  const p = stack.profiles.standard;
  const connected = await connectInbox(a.s, { userEmail: ana.address, address: ana.address, imap: { host: p.host, port: p.imapPort, tls: 'starttls' }, username: ana.user, password: ana.password }, { keys: parseEncryptionKeys(stack.encryptionKeys), tlsCa: stack.caCert });
  inboxId = connected.inbox.id;
  await logEmail(a.s, { raw: await composeEmail({ from: `Ana Seller <${ana.address}>`, to: bob.address, subject: 'Proposal for Acme', messageId: proposalId, text: 'Here it is.' }), userEmail: ana.address });
  worker = await startWorker({
    env: parseWorkerEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys, REPLY_SYNC_TLS_CA_FILE: stack.caCertPath, REPLY_SYNC_QUEUE: queue }),
    logger: createLogger({ level: 'silent' }),
    metricsPort: false,
  });
  await registerInboxes(redis, queue, [{ accountId: a.accountId, inboxId }]);
  await waitFor(async () => (await a.s.inboxes.get(inboxId))?.uidvalidity != null, { what: "the worker's first session", timeoutMs: 30_000 });
});
afterAll(async () => {
  await worker?.close();
  await deleteFleet(redis, queue).catch(() => undefined);
  redis.disconnect();
  await cb?.close();
});

const reply = (messageId: string, from: string, text: string) =>
  composeEmail({ from: `Bob Buyer <${from}>`, to: ana.address, subject: 'Re: Proposal for Acme', messageId, inReplyTo: proposalId, references: proposalId, text });

describe('explain in the browser', () => {
  it('explains a reply from an alias and, after looking in the folders, a reply filed in a subfolder', async () => {
    const at = bob.address.lastIndexOf('@');
    await deliver(ana, await reply(aliasReplyId, `${bob.address.slice(0, at)}+deals${bob.address.slice(at)}`, 'From my deals address.'));
    await createMailbox(ana, 'Acme');
    await appendTo(ana, 'Acme', await reply(filedReplyId, bob.address, 'Filed away.'));
    await waitFor(async () => ((await a.s.decisions.forMessageId(aliasReplyId)).length > 0 ? true : undefined), { what: 'the decision for the alias reply', timeoutMs: 30_000 });

    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, await consoleUser(a, 'support'));
    await page.getByRole('link', { name: 'Explain a message' }).click();
    await page.getByLabel('Message-ID').fill(aliasReplyId);
    await page.getByLabel('Message-ID').press('Enter');
    const aliasTable = page.getByRole('region', { name: `Decisions for ${aliasReplyId}` });
    const aliasText = await textOf(aliasTable);
    expect(aliasText).toContain('The sender is not a contact in the CRM');
    expect(aliasText).toContain('sender_not_contact');
    expect(aliasText).toContain('INBOX');
    expect(aliasText).toContain(ana.address);

    await page.getByLabel('Message-ID').fill(filedReplyId);
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    expect(await textOf(page.getByText('No decision is recorded for'))).toContain(filedReplyId);
    await page.getByRole('button', { name: 'Look in the folders' }).click();
    expect(await textOf(page.getByRole('status'))).toContain('Searched 1 inboxes; found 1 copies.');
    const filedText = await textOf(page.getByRole('region', { name: `Decisions for ${filedReplyId}` }));
    expect(filedText).toContain('The message is not in the INBOX');
    expect(filedText).toContain('Acme');
    expect((await a.s.decisions.forMessageId(filedReplyId)).map((d) => [d.reasonCode, d.mailbox])).toEqual([['not_in_inbox', 'Acme']]);
    await screenshot(page, 'explain');
  });
});

describe('a changed password in the browser', () => {
  it('shows the inbox disconnected with its reason and history, and reconnects it from the page', async () => {
    const newPassword = `n3w-${stamp}`;
    await setPassword(ana, newPassword);
    await kick(ana);
    await waitFor(async () => ((await a.s.inboxes.get(inboxId))?.status === 'disconnected' ? true : undefined), { what: 'the inbox disconnected', timeoutMs: 30_000 });

    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, await consoleUser(a, 'admin'));
    await page.getByLabel('Disconnected only').check();
    await page.waitForURL(/disconnected=1/); // htmx swapped the table and pushed the URL
    const row = page.getByRole('region', { name: 'Inboxes' }).getByRole('row', { name: new RegExp(ana.address) });
    const rowText = await textOf(row);
    expect(rowText).toContain('Disconnected');
    expect(rowText).toContain('rejected the password');
    expect(rowText).toContain('AUTHENTICATIONFAILED');
    await screenshot(page, 'inboxes');

    await row.getByRole('link', { name: ana.address }).click();
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe(`Inbox ${ana.address}`);
    const history = page.getByRole('region', { name: 'Status history' });
    expect(await history.getByRole('row').count()).toBe(3); // header, disconnected, connected
    expect(await textOf(history.getByRole('row').nth(1))).toContain('Disconnected');
    expect(await textOf(history.getByRole('row').nth(2))).toContain('Connected');
    await screenshot(page, 'inbox-disconnected');

    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Reconnect', exact: true }).click();
    await page.waitForURL(/reconnected=1/);
    expect(await textOf(page.getByRole('status'))).toContain('Reconnected: the server accepted the password.');
    expect((await a.s.inboxes.get(inboxId))?.status).toBe('connected');
    expect(await textOf(page.getByRole('region', { name: 'Status history' }).getByRole('row').nth(1))).toContain('Connected');

    const phone = await (await cb.context(390)).newPage();
    await signIn(phone, cb.url, `admin-${a.accountId.slice(0, 8)}@example.com`);
    await screenshot(phone, 'inboxes-phone');
    // Nothing wider than the phone's screen but the tables' own scrolling regions.
    expect(await phone.locator('html').evaluate((root) => root.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
