// In Chromium: a contact's timeline with its thread and an attachment download; a hostile HTML body runs
// no script (a script or an onerror handler would set a marker) and loads nothing from a loopback server
// that would see the image request, until the reader asks for remote images; a support user cannot open
// the body or the attachment. Screenshots of the timeline and the email.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addContact, logEmail } from '@reply-sync/operations';
import { composeEmail, uniqueName } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, screenshot, signIn, startConsoleBrowser, textOf, type ConsoleBrowser } from './console-browser';
import type { TestAccount } from './helpers';

let cb: ConsoleBrowser;
let a: TestAccount;
let pixels: Server;
const seen: string[] = [];
let emailId: string;
const stamp = uniqueName('t');
const ana = `ana-${stamp}@example.com`;
const bob = `bob-${stamp}@example.com`;
const CSV = 'product,seats\nreply-sync,200\n';

beforeAll(async () => {
  pixels = createServer((request, response) => {
    seen.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  pixels.listen(0, '127.0.0.1');
  await once(pixels, 'listening');
  const pixel = `http://127.0.0.1:${(pixels.address() as AddressInfo).port}/pixel.gif?to=${stamp}`;
  cb = await startConsoleBrowser();
  a = await cb.api.account();
  await a.s.users.add({ email: ana, name: 'Ana Seller' });
  await addContact(a.s, { email: bob, name: 'Bob Buyer', ownerEmail: ana });
  const hostile = [
    '<p>Hello Bob, the proposal is attached.</p>',
    `<img src="${pixel}" alt="tracker">`,
    '<script>document.body.setAttribute("data-pwned", "script"); parent.document.title = "pwned";</script>',
    '<img src="x" onerror="document.body.setAttribute(\'data-pwned\', \'onerror\')">',
    '<a href="javascript:document.body.setAttribute(\'data-pwned\', \'link\')">click</a>',
    '<form action="https://evil.example/"><input name="q"></form>',
  ].join('\n');
  const logged = await logEmail(a.s, {
    raw: await composeEmail({ from: `Ana Seller <${ana}>`, to: bob, subject: 'Proposal for Acme', messageId: `<p-${stamp}@crm.example>`, text: 'Hello Bob', html: hostile, attachments: [{ filename: 'order.csv', contentType: 'text/csv', content: CSV }] }),
    userEmail: ana,
  });
  emailId = logged.emailId;
});
afterAll(async () => {
  await cb?.close();
  pixels?.close();
});

describe('timeline and bodies in the browser', () => {
  it('shows the thread, downloads the attachment, and renders a hostile body without scripts or remote loads', async () => {
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, await consoleUser(a, 'admin'));
    await page.getByRole('link', { name: 'Timeline' }).click();
    await page.getByLabel("Contact's email").fill(bob);
    await page.getByLabel("Contact's email").press('Enter');
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe(`Timeline of Bob Buyer <${bob}>`);
    const thread = page.getByRole('region', { name: 'Proposal for Acme' });
    expect(await textOf(thread)).toContain('order.csv');
    expect(await textOf(thread)).toContain('sent');
    await screenshot(page, 'timeline');

    await thread.getByRole('link', { name: 'Proposal for Acme' }).click();
    await page.waitForURL(new RegExp(`/console/emails/${emailId}$`));
    const body = page.frameLocator('iframe.email-body');
    expect(await textOf(body.locator('p').first())).toContain('Hello Bob, the proposal is attached.');
    expect(await textOf(page.getByRole('status'))).toContain('1 remote images are blocked');
    // Give a script or an image every chance to run or load.
    await page.waitForLoadState('networkidle');
    expect(await body.locator('body').getAttribute('data-pwned')).toBeNull();
    expect(await page.title()).not.toBe('pwned');
    expect(await body.locator('form, input, script').count()).toBe(0);
    expect(await body.locator('a', { hasText: 'click' }).getAttribute('href')).toBeNull();
    expect(seen).toEqual([]);
    await screenshot(page, 'email');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'order.csv' }).click()]);
    expect(download.suggestedFilename()).toBe('order.csv');
    expect(await readFile((await download.path())!, 'utf8')).toBe(CSV);

    // Asked for: the image loads from the loopback server (which shows it would have seen a request before).
    await page.getByRole('link', { name: 'Load remote images' }).click();
    await page.waitForURL(/images=1$/);
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
    expect(seen[0]).toContain(stamp);
    expect(await body.locator('body').getAttribute('data-pwned')).toBeNull();
  });

  it('keeps a support user away from the body and the attachment', async () => {
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, await consoleUser(a, 'support'));
    expect(await page.getByRole('link', { name: 'Timeline' }).count()).toBe(0);
    const email = await page.goto(`${cb.url}/console/emails/${emailId}`);
    expect(email?.status()).toBe(403);
    expect(await page.content()).not.toContain('Hello Bob');
    const attachments = await a.s.attachments.listFor(emailId);
    const file = await page.request.get(`${cb.url}/console/emails/${emailId}/attachments/${attachments[0]!.id}`);
    expect(file.status()).toBe(403);
    expect(await file.text()).not.toContain('reply-sync,200');
    expect((await page.request.get(`${cb.url}/console/timeline?contact=${encodeURIComponent(bob)}`)).status()).toBe(403);
  });
});
