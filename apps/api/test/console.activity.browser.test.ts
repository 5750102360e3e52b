// In Chromium: the Activity page's live list and browser notification. With notifications allowed, a
// person's open recorded after the page loaded appears in the live list (as text) and as a notification
// with the same sentence; the "Notify me" button is hidden once allowed. A screenshot of the page.
import { randomUUID } from 'node:crypto';
import { parseEncryptionKeys } from '@reply-sync/db';
import { insertTrackingEvents } from '@reply-sync/db/tracking-events';
import { stack, waitFor } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, screenshot, signIn, startConsoleBrowser, textOf, type ConsoleBrowser } from './console-browser';
import type { TestAccount } from './helpers';

let cb: ConsoleBrowser;
let a: TestAccount;
let sendId: string;

beforeAll(async () => {
  cb = await startConsoleBrowser({ live: { databaseUrl: stack.databaseUrl } });
  a = await cb.api.account();
  const address = `ana-${randomUUID().slice(0, 8)}@mail.test`;
  const user = await a.s.users.add({ email: address });
  const inbox = await a.s.inboxes.create({ kind: 'personal', userId: user.id, address, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'ana', credentials: { password: 'x' } }, parseEncryptionKeys(stack.encryptionKeys));
  const { email } = await a.s.outgoingEmails.create({ inboxId: inbox.id, userId: user.id, sendId: randomUUID(), to: ['bob@acme.test'], subject: 'Renewal terms', htmlBody: '<p>hi</p>' });
  sendId = email.id;
  await cb.api.db.sql`UPDATE outgoing_emails SET track = true, status = 'sent', sent_at = now() WHERE id = ${sendId}`;
});
afterAll(async () => {
  await cb?.close();
});

describe('console Activity page in a browser', () => {
  it('shows a new open live and as a browser notification once notifications are allowed', { timeout: 60_000 }, async () => {
    const context = await cb.context();
    await context.grantPermissions(['notifications'], { origin: cb.url });
    // Records what the page shows as notifications (the real Notification still runs underneath).
    // (A script string: this file is compiled without the DOM's types.)
    await context.addInitScript(`{
      const Real = window.Notification;
      window.shown = [];
      window.Notification = class extends Real {
        constructor(title, options) {
          super(title, options);
          window.shown.push(title);
        }
      };
    }`);
    const page = await context.newPage();
    await signIn(page, cb.url, await consoleUser(a, 'admin'));
    await page.goto(`${cb.url}/console/activity`);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Activity of tracked emails');
    expect(await page.locator('#notify').isHidden()).toBe(true);
    await waitFor(() => cb.api.app.liveActivity!.streams(a.accountId) === 1, { what: "the page's event stream", timeoutMs: 15_000 });

    const at = new Date();
    await insertTrackingEvents(cb.api.db.db, [{ accountId: a.accountId, emailId: sendId, recipient: 'bob@acme.test', kind: 'open', target: null, method: 'GET', eventClass: 'human', reason: 'human', counted: true, ip: '192.0.2.1', userAgent: 'Mozilla/5.0', occurredAt: at, lastSeenAt: at, hits: 1, dedupeKey: randomUUID() }]);
    expect(await textOf(page.locator('#live li'))).toMatch(/^\d\d:\d\d UTC bob@acme\.test opened “Renewal terms”$/);
    await expect.poll(() => page.evaluate('window.shown')).toEqual(['bob@acme.test opened “Renewal terms”']);
    await screenshot(page, 'console-activity');
  });
});
