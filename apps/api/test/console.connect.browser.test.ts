// In Chromium, against the real stack: an admin connects an IMAP inbox through the console's form. POP3
// settings and a wrong password each show our sentence and save nothing; the right password connects and
// lands on the inbox's page. A form sent without its CSRF token is refused. Screenshots of the pages.
import { createMailUser, stack, type MailUser } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, screenshot, signIn, startConsoleBrowser, textOf, type ConsoleBrowser } from './console-browser';
import type { TestAccount } from './helpers';

let cb: ConsoleBrowser;
let a: TestAccount;
let ana: MailUser;
let admin: string;

beforeAll(async () => {
  cb = await startConsoleBrowser();
  a = await cb.api.account();
  ana = await createMailUser({ profile: 'standard' });
  await a.s.users.add({ email: ana.address, name: 'Ana Seller' });
  admin = await consoleUser(a, 'admin');
});
afterAll(async () => {
  await cb?.close();
});

describe('connect an IMAP inbox in the browser', () => {
  it('shows the POP3 and wrong-password sentences saving nothing, then connects with the right password', async () => {
    const page = await (await cb.context()).newPage();
    await page.goto(`${cb.url}/console/login`);
    await screenshot(page, 'login');
    await signIn(page, cb.url, admin);

    await page.getByRole('link', { name: 'Connect an inbox' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Connect an inbox');
    const p = stack.profiles.standard;
    const fill = async (host: string, port: number, tls: string, password: string) => {
      await page.getByLabel('Email address').fill(ana.address);
      const imap = page.getByRole('group', { name: 'IMAP server' });
      await imap.getByLabel('Host').fill(host);
      await imap.getByLabel('Port').fill(String(port));
      await imap.getByLabel('Security').selectOption(tls);
      await page.getByLabel('Username').fill(ana.user);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
    };

    await fill('pop.example.com', 995, 'tls', 'whatever');
    expect(await textOf(page.getByRole('alert'))).toContain('POP3');
    expect(await a.s.inboxes.list()).toEqual([]);
    // The form keeps what was typed, but never the password.
    expect(await page.getByLabel('Email address').inputValue()).toBe(ana.address);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');

    await fill(p.host, p.imapPort, 'starttls', 'not-the-password');
    const alert = page.getByRole('alert');
    expect(await textOf(alert)).toContain('Not connected; nothing was saved');
    expect(await textOf(alert)).toContain(ana.address);
    expect(await textOf(alert)).toContain('password');
    expect(await a.s.inboxes.list()).toEqual([]);
    await screenshot(page, 'connect-wrong-password');

    await fill(p.host, p.imapPort, 'starttls', ana.password);
    await page.waitForURL(/\/console\/inboxes\/[0-9a-f-]{36}\?connected=1$/);
    expect(await textOf(page.getByRole('status'))).toContain('Connected: the server accepted the login.');
    const [inbox] = await a.s.inboxes.list();
    expect(inbox).toMatchObject({ address: ana.address, status: 'connected', provider: 'imap' });
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe(`Inbox ${ana.address}`);
    expect(await textOf(page.getByRole('region', { name: 'Status history' }))).toContain('Connected');

    await page.getByRole('link', { name: 'Inboxes', exact: true }).click();
    await page.getByRole('region', { name: 'Inboxes' }).getByRole('link', { name: ana.address }).waitFor({ state: 'visible' });
  });

  it('refuses a form sent without its CSRF token', async () => {
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, admin);
    await page.goto(`${cb.url}/console/connect`);
    await page.locator('#connect-form input[name="_csrf"]').evaluate((input) => input.remove());
    await page.getByLabel('Email address').fill('x@example.com');
    await page.getByRole('group', { name: 'IMAP server' }).getByLabel('Host').fill('127.0.0.1');
    await page.getByLabel('Username').fill('x');
    await page.getByLabel('Password', { exact: true }).fill('x');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/console/connect') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Connect', exact: true }).click()]);
    expect(response.status()).toBe(403);
    expect(await textOf(page.getByRole('alert'))).toContain('did not come from this console');
    expect((await a.s.inboxes.list()).map((i) => i.address)).not.toContain('x@example.com');
  });
});
