// In Chromium, an admin's Settings pages: a never-log entry added and removed; an API key created (shown on
// the answer page only, not when the list is opened again, never in a log) and revoked, after which the API
// answers 401 with it; a webhook to a loopback receiver added (its secret shown once) with its status, and
// a delivery attempt listed on its page. A support user gets 403 on every Settings page; another account's
// webhook is 404.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newWebhookEventId, parseEncryptionKeys, recordWebhookAttempts, webhookDeliveries, webhookEvents } from '@reply-sync/db';
import { addWebhook } from '@reply-sync/webhooks';
import { stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, screenshot, signIn, startConsoleBrowser, textOf, type ConsoleBrowser } from './console-browser';
import { bearer, type TestAccount } from './helpers';

let cb: ConsoleBrowser;
let a: TestAccount;
let b: TestAccount;
let receiver: Server;
let receiverUrl: string;
let adminEmail: string;
const received: string[] = [];

beforeAll(async () => {
  cb = await startConsoleBrowser({ allowPrivateWebhooks: true });
  [a, b] = await Promise.all([cb.api.account(), cb.api.account()]);
  adminEmail = await consoleUser(a, 'admin');
  receiver = createServer((req, res) => {
    received.push(req.url ?? '');
    res.writeHead(204).end();
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/reply-sync`;
});
afterAll(async () => {
  receiver?.close();
  await cb?.close();
});

const settings = (path: string) => `${cb.url}/console/settings/${path}`;

describe('the Settings pages in the browser', () => {
  it('adds and removes a never-log entry', async () => {
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, adminEmail);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/console\/settings\/never-log/);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Never-log list');

    await page.getByLabel('Address or domain').fill('not an address');
    await page.getByRole('button', { name: 'Add to the list' }).click();
    expect(await textOf(page.getByRole('alert'))).toContain('is neither an email address nor a domain');

    await page.getByLabel('Address or domain').fill('@payroll.example.com');
    await page.getByRole('button', { name: 'Add to the list' }).click();
    expect(await textOf(page.getByRole('status'))).toContain('@payroll.example.com is on the never-log list now.');
    expect(await textOf(page.getByRole('region', { name: 'Never-log list' }))).toContain('domain and its subdomains');
    expect((await a.s.neverLog.list()).map((e) => e.value)).toEqual(['payroll.example.com']);
    await screenshot(page, 'console-settings-never-log');

    await page.getByRole('button', { name: 'Remove @payroll.example.com' }).click();
    expect(await textOf(page.getByRole('status'))).toContain('@payroll.example.com is off the never-log list.');
    expect(await page.getByRole('region', { name: 'Never-log list' }).count()).toBe(0);
    expect(await a.s.neverLog.list()).toEqual([]);
  });

  it('creates an API key shown once, and revokes it: the API then answers 401', async () => {
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, adminEmail);
    await page.goto(settings('api-keys'));
    await page.getByRole('button', { name: 'Create the key' }).click();
    expect(await textOf(page.getByRole('alert'))).toContain('Choose at least one scope');

    await page.getByRole('checkbox', { name: /^read:/ }).check();
    await page.getByLabel('Name').fill('crm sync');
    await page.getByRole('button', { name: 'Create the key' }).click();
    const key = await textOf(page.getByTestId('new-secret'));
    expect(key).toMatch(/^rsk_[0-9a-f]{16}_/);
    expect(await textOf(page.getByRole('status'))).toContain('it is shown on this page only');
    await screenshot(page, 'console-settings-api-key-created');
    const listed = await fetch(`${cb.url}/v1/inboxes`, { headers: bearer(key) });
    expect(listed.status).toBe(200);

    // Opened again, the page lists the key by its prefix only.
    await page.goto(settings('api-keys'));
    const prefix = key.slice(4, 20);
    const table = await textOf(page.getByRole('region', { name: 'API keys' }));
    expect(table).toContain(prefix);
    expect(table).toContain('crm sync');
    expect(await page.content()).not.toContain(key);
    expect(await page.getByTestId('new-secret').count()).toBe(0);

    await page.getByRole('button', { name: `Revoke ${prefix}` }).click();
    expect(await textOf(page.getByRole('status'))).toContain(`The key ${prefix} is revoked`);
    expect(await page.getByRole('button', { name: `Revoke ${prefix}` }).count()).toBe(0);
    const refused = await fetch(`${cb.url}/v1/inboxes`, { headers: bearer(key) });
    expect(refused.status).toBe(401);
    expect(cb.api.logs.join('\n')).not.toContain(key.slice(21));
  });

  it('adds a webhook to a loopback receiver, shows its status and its deliveries', async () => {
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, adminEmail);
    await page.goto(settings('webhooks'));
    await page.getByLabel('URL').fill(receiverUrl);
    await page.getByRole('checkbox', { name: /^email\.logged/ }).check();
    await page.getByRole('button', { name: 'Add the webhook' }).click();
    const secret = await textOf(page.getByTestId('new-secret'));
    expect(secret).toMatch(/^whsec_/);
    const row = page.getByRole('row', { name: new RegExp(receiverUrl.replace(/[.?]/g, '\\$&')) });
    expect(await textOf(row)).toContain('Enabled');
    await screenshot(page, 'console-settings-webhook-added');
    await page.goto(settings('webhooks'));
    expect(await page.content()).not.toContain(secret);

    // One attempt as the delivery worker records it (apps/webhook-worker is not part of this app's tests).
    const [endpoint] = await a.s.webhooks.list();
    const eventId = newWebhookEventId();
    const { db } = cb.api.db;
    await db.insert(webhookEvents).values({ id: eventId, accountId: a.accountId, type: 'email.logged', payload: {}, relayedAt: new Date() });
    const [delivery] = await db.insert(webhookDeliveries).values({ accountId: a.accountId, eventId, endpointId: endpoint!.id }).returning();
    await recordWebhookAttempts(db, [
      { accountId: a.accountId, eventId, endpointId: endpoint!.id, deliveryId: delivery!.id, attempt: 1, status: 'failed', responseStatus: null, errorCode: 'timeout', error: 'No answer in 10 s.', durationMs: 10_000, at: new Date(), nextAttemptAt: null, final: true, endpointChange: 'disable', disableReason: 'Failing for 3 days.' },
    ]);

    await page.goto(settings('webhooks'));
    expect(await textOf(row)).toContain('Disabled');
    expect(await textOf(row)).toContain('Failing for 3 days.');
    await page.getByRole('link', { name: receiverUrl }).click();
    const deliveries = await textOf(page.getByRole('region', { name: 'Recent deliveries' }));
    expect(deliveries).toContain(eventId);
    expect(deliveries).toContain('The receiver did not answer within the timeout.');
    expect(deliveries).toContain('no answer');
    await screenshot(page, 'console-settings-webhook-deliveries');

    await page.getByRole('link', { name: 'All webhooks' }).click();
    await page.getByRole('button', { name: 'Enable' }).click();
    expect(await textOf(page.getByRole('status'))).toContain('enabled again');
    expect(await textOf(row)).toContain('Enabled');
    await page.getByRole('button', { name: `Remove ${receiverUrl}` }).click();
    expect(await textOf(page.getByRole('status'))).toContain('The webhook is removed');
    expect(await a.s.webhooks.list()).toEqual([]);
  });

  it("refuses a support user (403), another account's ids (404) and a form without its token (403)", async () => {
    const foreign = await addWebhook(b.s, parseEncryptionKeys(stack.encryptionKeys), { url: receiverUrl, events: ['all'] }, { allowPrivate: true });
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, await consoleUser(a, 'support'));
    expect(await textOf(page.getByRole('navigation', { name: 'Main' }))).not.toContain('Settings');
    for (const path of ['never-log', 'api-keys', 'webhooks']) {
      const answer = await page.goto(settings(path));
      expect(answer?.status()).toBe(403);
      expect(await textOf(page.getByRole('alert'))).toContain('Your role (support) cannot open this page');
    }

    const admin = await (await cb.context()).newPage();
    await signIn(admin, cb.url, adminEmail);
    const other = await admin.goto(settings(`webhooks/${foreign.endpoint.id}`));
    expect(other?.status()).toBe(404);
    expect(await admin.locator('main').innerText()).not.toContain(receiverUrl);

    // The forms' actions with another account's ids, and this session's own CSRF token: 404, nothing changed.
    const foreignKey = await b.key(['read']);
    const [foreignKeyRow] = await b.s.apiKeys.list();
    const foreignEntry = await b.s.neverLog.add('domain', 'secret.example');
    await admin.goto(settings('never-log'));
    const csrf = (await admin.locator('input[name=_csrf]').first().getAttribute('value'))!;
    for (const path of [`api-keys/${foreignKeyRow!.id}/revoke`, `never-log/${foreignEntry.id}/remove`, `webhooks/${foreign.endpoint.id}/remove`, `webhooks/${foreign.endpoint.id}/enable`]) {
      const answer = await admin.request.post(settings(path), { form: { _csrf: csrf }, maxRedirects: 0 });
      expect(answer.status(), path).toBe(404);
    }
    expect((await fetch(`${cb.url}/v1/inboxes`, { headers: bearer(foreignKey) })).status).toBe(200);
    expect((await b.s.neverLog.list()).map((e) => e.value)).toEqual(['secret.example']);
    expect((await b.s.webhooks.list()).map((w) => w.id)).toEqual([foreign.endpoint.id]);
    // Without the token, even an own form is refused.
    const noToken = await admin.request.post(settings('never-log'), { form: { value: 'x@example.com' }, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
  });
});
