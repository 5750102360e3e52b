// In Chromium: a support user sees the inboxes and explain but no admin action (no connect link, no
// reconnect form; the connect page answers 403), and another account's inbox is 404 exactly like a missing
// one. A Dutch user gets the pages in Dutch (their setting beats the browser's language).
import { parseEncryptionKeys } from '@reply-sync/db';
import { stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PASSWORD, consoleUser, signIn, startConsoleBrowser, textOf, type ConsoleBrowser } from './console-browser';
import type { TestAccount } from './helpers';

let cb: ConsoleBrowser;
let a: TestAccount;
let b: TestAccount;
const keys = parseEncryptionKeys(stack.encryptionKeys);
const teamInbox = (t: TestAccount) =>
  t.s.inboxes.create(
    { userId: null, kind: 'team', provider: 'imap', address: `team-${t.accountId.slice(0, 8)}@example.com`, aliases: [], imapHost: '127.0.0.1', imapPort: 143, imapTls: 'starttls', smtpHost: null, smtpPort: null, smtpTls: null, allowPlaintext: false, username: 'team', authKind: 'password', credentials: { password: 'x' }, sentMailbox: null, trustedAuthservIds: null },
    keys,
  );

beforeAll(async () => {
  cb = await startConsoleBrowser();
  [a, b] = await Promise.all([cb.api.account(), cb.api.account()]);
});
afterAll(async () => {
  await cb?.close();
});

describe('the support role in the browser', () => {
  it('reads inboxes but has no admin action, and cannot reach another account', async () => {
    const [own, other] = await Promise.all([teamInbox(a), teamInbox(b)]);
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, await consoleUser(a, 'support'));
    const nav = await textOf(page.getByRole('navigation', { name: 'Main' }));
    expect(nav).toContain('Explain a message');
    expect(nav).not.toContain('Connect an inbox');
    expect(await textOf(page.getByRole('region', { name: 'Inboxes' }))).not.toContain(other.address);

    await page.getByRole('link', { name: own.address }).click();
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe(`Inbox ${own.address}`);
    expect(await page.getByRole('heading', { name: 'Reconnect' }).count()).toBe(0);
    expect(await page.getByLabel('New password').count()).toBe(0);

    const connect = await page.goto(`${cb.url}/console/connect`);
    expect(connect?.status()).toBe(403);
    expect(await textOf(page.getByRole('alert'))).toContain('Your role (support) cannot open this page');

    const foreign = await page.goto(`${cb.url}/console/inboxes/${other.id}`);
    expect(foreign?.status()).toBe(404);
    const foreignText = await page.locator('main').innerText();
    const missing = await page.goto(`${cb.url}/console/inboxes/00000000-0000-4000-8000-000000000000`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator('main').innerText()).toBe(foreignText);
    expect(foreignText).not.toContain(other.address);
  });

  it("shows a user's pages in their language", async () => {
    const email = `nl-${a.accountId.slice(0, 8)}@example.com`;
    await a.s.consoleUsers.create({ email, password: CONSOLE_PASSWORD, role: 'admin', language: 'nl' });
    const page = await (await cb.context()).newPage();
    await page.goto(`${cb.url}/console/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(CONSOLE_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/inboxes/);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Inboxen');
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    expect(await textOf(page.getByRole('navigation', { name: 'Hoofdmenu' }))).toContain('Inbox koppelen');
  });
});
