// In Chromium, from the keyboard only: an admin opens a contact's timeline, follows its company's link and
// then its deal's, and sees on each the emails logged on it, the thread with the newest email first and each
// thread's emails newest first, every email with its direction and its source in words; downloads an
// attachment from the company's timeline. An email logged on the company alone is on the company's timeline
// and not on the deal's. Screenshots of both pages (and the company's at 390 px, nothing wider than the phone).
import { readFile } from 'node:fs/promises';
import { addContact, logEmail } from '@reply-sync/operations';
import { composeEmail, uniqueName } from '@reply-sync/testkit';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, screenshot, signIn, startConsoleBrowser, textOf, type ConsoleBrowser } from './console-browser';
import type { TestAccount } from './helpers';

let cb: ConsoleBrowser;
let a: TestAccount;
let admin: string;
const stamp = uniqueName('cd');
const ana = `ana-${stamp}@seller.example`;
const bob = `bob-${stamp}@buyer.example`;
const company = `Acme ${stamp}`;
const deal = `Renewal ${stamp}`;
const CSV = 'seats,price\n200,18000\n';
const DAY = 24 * 3600_000;
const now = Date.now();

beforeAll(async () => {
  cb = await startConsoleBrowser();
  a = await cb.api.account();
  admin = await consoleUser(a, 'admin');
  const user = await a.s.users.add({ email: ana, name: 'Ana Seller' });
  const added = await addContact(a.s, { email: bob, name: 'Bob Buyer', ownerEmail: ana, company, deals: [deal] });
  const on = { contactIds: [added.contact.id], companyIds: [added.company!.id], dealIds: [added.deals[0]!.id], associateRecipients: false };
  const people = { from: { address: ana, name: 'Ana Seller' }, to: [{ address: bob, name: 'Bob Buyer' }] };

  // The older thread: the CRM's send with the price list (10 days ago), Bob's answer forwarded to the
  // forwarding address (9 days ago).
  const pricing = await logEmail(a.s, {
    raw: await composeEmail({ from: `Ana Seller <${ana}>`, to: bob, subject: 'Pricing for next year', messageId: `<pricing-${stamp}@crm.example>`, date: new Date(now - 10 * DAY), text: 'The price list is attached.', attachments: [{ filename: 'prices.csv', contentType: 'text/csv', content: CSV }] }),
    userEmail: ana,
    source: 'crm_send',
  });
  await a.s.emails.logOutbound({
    ...on,
    source: 'forward',
    direction: 'inbound',
    messageId: `<answer-${stamp}@buyer.example>`,
    userId: user.id,
    from: { address: bob, name: 'Bob Buyer' },
    to: [{ address: ana, name: 'Ana Seller' }],
    subject: 'Re: Pricing for next year',
    sentAt: new Date(now - 9 * DAY),
    textBody: 'Looks fine.',
    threadId: pricing.threadId,
  });
  // On the company alone (5 days ago): not on the deal's timeline.
  await logEmail(a.s, {
    raw: await composeEmail({ from: `Ana Seller <${ana}>`, to: bob, subject: 'Office move', messageId: `<move-${stamp}@crm.example>`, date: new Date(now - 5 * DAY), text: 'We move offices.' }),
    userEmail: ana,
    only: true,
    companies: [added.company!.id],
  });
  // The newest thread: a meeting logged by hand (3 days ago), Ana's follow-up BCC'd to the BCC address (yesterday).
  const meeting = await logEmail(a.s, {
    raw: await composeEmail({ from: `Ana Seller <${ana}>`, to: bob, subject: 'Meeting next week', messageId: `<meeting-${stamp}@crm.example>`, date: new Date(now - 3 * DAY), text: 'Tuesday?' }),
    userEmail: ana,
  });
  await a.s.emails.logOutbound({ ...on, ...people, source: 'bcc', messageId: `<followup-${stamp}@seller.example>`, userId: user.id, subject: 'Re: Meeting next week', sentAt: new Date(now - 1 * DAY), textBody: 'Tuesday at ten, then.', threadId: meeting.threadId });
}, 60_000);
afterAll(async () => {
  await cb?.close();
});

/** Presses Tab until `target` has the focus (at most `max` times): it is reachable from the keyboard. */
async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
  }
  throw new Error(`${target.toString()} was not reached with ${max} presses of Tab`);
}

/** Each thread on the page (its heading) with its emails' lines, as the reader sees them, top to bottom. */
async function threadsOf(page: Page): Promise<{ heading: string; emails: string[] }[]> {
  const threads: { heading: string; emails: string[] }[] = [];
  for (const section of await page.locator('section.thread').all()) {
    threads.push({
      heading: await section.getByRole('heading', { level: 2 }).innerText(),
      emails: await Promise.all((await section.locator('ol.entries > li').all()).map(async (li) => (await li.locator('p').first().innerText()).replace(/\s+/g, ' '))),
    });
  }
  return threads;
}

const day = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString().slice(0, 10);

describe('company and deal timelines in the browser', () => {
  it("reaches the company's and the deal's timelines from the contact's by keyboard, newest first in threads, and downloads an attachment", async () => {
    const page = await (await cb.context()).newPage();
    await signIn(page, cb.url, admin);
    await page.goto(`${cb.url}/console/timeline?contact=${encodeURIComponent(bob)}`);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe(`Timeline of Bob Buyer <${bob}>`);
    const associations = page.getByRole('navigation', { name: 'Associations' });
    // The deal's status in words beside its link.
    expect(await textOf(associations)).toContain(`${deal} (open)`);

    await tabTo(page, associations.getByRole('link', { name: company }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/timeline\?company=/);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe(`Timeline of ${company}`);
    expect(await textOf(page.locator('main'))).toContain('The timeline of a company: the emails logged on it.');
    expect(await threadsOf(page)).toEqual([
      {
        heading: 'Meeting next week',
        emails: [
          expect.stringMatching(new RegExp(`^sent ${day(1)} \\d\\d:\\d\\d UTC · Ana Seller <${ana}> \\(through the BCC address\\)$`)),
          expect.stringMatching(new RegExp(`^sent ${day(3)} \\d\\d:\\d\\d UTC · Ana Seller <${ana}> \\(logged by hand\\)$`)),
        ],
      },
      { heading: 'Office move', emails: [expect.stringMatching(new RegExp(`^sent ${day(5)} .* \\(logged by hand\\)$`))] },
      {
        heading: 'Pricing for next year',
        emails: [
          expect.stringMatching(new RegExp(`^received ${day(9)} \\d\\d:\\d\\d UTC · Bob Buyer <${bob}> \\(through the forwarding address\\)$`)),
          expect.stringMatching(new RegExp(`^sent ${day(10)} \\d\\d:\\d\\d UTC · Ana Seller <${ana}> \\(sent from the CRM\\)$`)),
        ],
      },
    ]);
    // Bodies stay on the emails' own pages.
    expect(await page.locator('main').innerText()).not.toContain('Looks fine.');
    await screenshot(page, 'timeline-company');

    // The attachment, from the keyboard: a download of the file as it was sent.
    const pricing = page.getByRole('region', { name: 'Pricing for next year' });
    const file = pricing.getByRole('link', { name: 'prices.csv' });
    await tabTo(page, file);
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toBe('prices.csv');
    expect(await readFile((await download.path())!, 'utf8')).toBe(CSV);

    // The deal's timeline, from the contact's by keyboard again: the two threads, without the company-only email.
    await page.goBack();
    await page.waitForURL(/\/console\/timeline\?contact=/);
    await tabTo(page, page.getByRole('navigation', { name: 'Associations' }).getByRole('link', { name: deal }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/timeline\?deal=/);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe(`Timeline of ${deal}`);
    expect(await textOf(page.locator('main'))).toContain('The timeline of a deal: the emails logged on it.');
    const threads = await threadsOf(page);
    expect(threads.map((t) => t.heading)).toEqual(['Meeting next week', 'Pricing for next year']);
    expect(threads.map((t) => t.emails.length)).toEqual([2, 2]);
    expect(threads[1]!.emails[0]).toMatch(/^received .*\(through the forwarding address\)$/);
    await screenshot(page, 'timeline-deal');

    // An email's subject leads to its page, where the body is.
    await tabTo(page, page.getByRole('region', { name: 'Pricing for next year' }).getByRole('link', { name: 'Re: Pricing for next year' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/emails\/[0-9a-f-]+$/);
    expect(await textOf(page.locator('pre.email-text'))).toContain('Looks fine.');
  });

  it("shows the company's timeline whole at 390 px", async () => {
    const page = await (await cb.context(390)).newPage();
    await signIn(page, cb.url, admin);
    await page.goto(`${cb.url}/console/timeline?contact=${encodeURIComponent(bob)}`);
    await page.getByRole('navigation', { name: 'Associations' }).getByRole('link', { name: company }).click();
    await page.waitForURL(/\/console\/timeline\?company=/);
    expect((await threadsOf(page)).map((t) => t.heading)).toEqual(['Meeting next week', 'Office move', 'Pricing for next year']);
    expect(await page.locator('html').evaluate((root) => root.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'timeline-company-phone');
  });
});
