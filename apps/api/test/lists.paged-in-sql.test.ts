// Every list of the API pages in SQL, newest first by (created, id): paging through more rows than one
// page gives each row exactly once, also when many rows share a creation time (rows inserted in one
// statement do), pages are never larger than asked or than 200, and what a page shows of each row (its
// links, its owner, a thread's emails) is complete.
import { randomUUID } from 'node:crypto';
import { companies, contactCompanies, contacts, deals, doNotTrack, neverLog, parseEncryptionKeys, users } from '@reply-sync/db';
import { stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

const N = 130;
let api: TestApi;
let a: TestAccount;
let key: string;
const made: Record<string, Set<string>> = {};
let companyId: string;
let contactId: string;
let inboxOwner: { id: string; email: string };
let removedInboxIds: Set<string>;

beforeAll(async () => {
  api = await startTestApi();
  a = await api.account();
  key = await a.key(['read', 'write', 'support']);
  const db = api.db.db;
  const accountId = a.accountId;
  const tag = randomUUID().slice(0, 8);
  // One statement each: every row of a list gets the same created_at, so only the id orders them.
  const userRows = await db.insert(users).values(Array.from({ length: N }, (_, i) => ({ accountId, email: `u${i}-${tag}@mail.test` }))).returning();
  const companyRows = await db.insert(companies).values(Array.from({ length: N }, (_, i) => ({ accountId, name: `Company ${i}` }))).returning();
  const dealRows = await db.insert(deals).values(Array.from({ length: N }, (_, i) => ({ accountId, name: `Deal ${i}` }))).returning();
  const contactRows = await db.insert(contacts).values(Array.from({ length: N }, (_, i) => ({ accountId, email: `c${i}-${tag}@acme.test` }))).returning();
  const neverLogRows = await db.insert(neverLog).values(Array.from({ length: N }, (_, i) => ({ accountId, kind: 'address' as const, value: `n${i}-${tag}@mail.test` }))).returning();
  const doNotTrackRows = await db.insert(doNotTrack).values(Array.from({ length: N }, (_, i) => ({ accountId, kind: 'address' as const, value: `d${i}-${tag}@mail.test` }))).returning();
  companyId = companyRows[0]!.id;
  contactId = contactRows[0]!.id;
  await db.insert(contactCompanies).values(contactRows.slice(0, 3).map((c) => ({ accountId, contactId: c.id, companyId })));
  const keys = parseEncryptionKeys(stack.encryptionKeys);
  inboxOwner = userRows[0]!;
  const inboxIds: string[] = [];
  for (let i = 0; i < 60; i++) {
    const inbox = await a.s.inboxes.create({ kind: 'personal', userId: inboxOwner.id, address: `box${i}-${tag}@mail.test`, imapHost: '127.0.0.1', imapPort: 51143, imapTls: 'starttls', username: `box${i}`, credentials: { password: 'pw' } }, keys);
    inboxIds.push(inbox.id);
  }
  removedInboxIds = new Set(inboxIds.slice(0, 5));
  for (const id of removedInboxIds) await a.s.inboxes.remove(id);
  const webhookIds: string[] = [];
  for (let i = 0; i < 60; i++) webhookIds.push((await a.s.webhooks.create({ url: `https://crm.example/${i}`, eventTypes: ['email.logged'], secret: 'whsec_dGVzdA==' }, keys)).id);
  // A timeline of 70 threads, every third with a second email, ten sharing one time.
  const threads: string[] = [];
  const base = Date.now() - 1e9;
  for (let i = 0; i < 70; i++) {
    const threadId = randomUUID();
    threads.push(threadId);
    const at = new Date(i < 10 ? base : base + i * 60_000);
    const emails = i % 3 === 0 ? 2 : 1;
    for (let e = 0; e < emails; e++) {
      await a.s.emails.logOutbound({ source: 'log', messageId: `<${randomUUID()}@crm.test>`, userId: null, from: { address: 'ana@mail.test', name: 'Ana' }, to: [{ address: contactRows[0]!.email, name: 'Bob' }], subject: `t${i}`, sentAt: new Date(at.getTime() - e * 1000), threadId });
    }
  }
  made.users = new Set(userRows.map((r) => r.id));
  made.companies = new Set(companyRows.map((r) => r.id));
  made.deals = new Set(dealRows.map((r) => r.id));
  made.contacts = new Set(contactRows.map((r) => r.id));
  made['never-log'] = new Set(neverLogRows.map((r) => r.id));
  made['do-not-track'] = new Set(doNotTrackRows.map((r) => r.id));
  made.inboxes = new Set(inboxIds.filter((id) => !removedInboxIds.has(id)));
  made.webhooks = new Set(webhookIds);
  made.timeline = new Set(threads);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

interface Paged {
  rows: any[];
  pages: number;
}

async function pageThrough(url: string, limit: number): Promise<Paged> {
  const rows: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const r = await api.app.inject({ method: 'GET', url: `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(key) });
    expect(r.statusCode, r.body).toBe(200);
    const page = r.json() as { data: any[]; nextCursor: string | null };
    expect(page.data.length).toBeLessThanOrEqual(limit);
    rows.push(...page.data);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { rows, pages };
}

const LISTS: [name: string, url: () => string, idOf: (row: any) => string][] = [
  ['users', () => '/v1/users', (r) => r.id],
  ['contacts', () => '/v1/contacts', (r) => r.id],
  ['companies', () => '/v1/companies', (r) => r.id],
  ['deals', () => '/v1/deals', (r) => r.id],
  ['never-log', () => '/v1/never-log', (r) => r.id],
  ['do-not-track', () => '/v1/do-not-track', (r) => r.id],
  ['inboxes', () => '/v1/inboxes', (r) => r.id],
  ['webhooks', () => '/v1/webhooks', (r) => r.id],
  ['timeline', () => `/v1/contacts/${contactId}/timeline`, (r) => r.threadId],
];

describe('lists paged in SQL', () => {
  it.each(LISTS)('%s: every row once across pages, newest first, no page over its limit', async (name, url, idOf) => {
    const want = made[name]!;
    const { rows, pages } = await pageThrough(url(), 17);
    const ids = rows.map(idOf);
    expect(new Set(ids).size, `${name}: repeated rows`).toBe(ids.length);
    expect(ids.filter((id) => want.has(id)).length, `${name}: rows missed`).toBe(want.size);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(want.size / 17));
    const times = rows.map((r) => Date.parse(r.createdAt ?? r.latestAt));
    expect(times, `${name}: newest first`).toEqual([...times].sort((x, y) => y - x));
  });

  it('caps a page at 200 and refuses a cursor of its own making', async () => {
    for (const [, url] of LISTS) {
      const big = await api.app.inject({ method: 'GET', url: `${url()}?limit=201`, headers: bearer(key) });
      expect(big.statusCode).toBe(400);
      const all = await api.app.inject({ method: 'GET', url: `${url()}?limit=200`, headers: bearer(key) });
      expect(all.json().data.length).toBeLessThanOrEqual(200);
      const forged = Buffer.from(JSON.stringify(["2026-01-01 00:00:00+00'; drop table users; --", randomUUID()])).toString('base64url');
      const r = await api.app.inject({ method: 'GET', url: `${url()}?cursor=${forged}`, headers: bearer(key) });
      expect(r.statusCode, url()).toBe(400);
      expect(r.json().code).toBe('invalid_request');
    }
  });

  it("shows each row whole on its page: a company's contacts, an inbox's owner, a thread's emails, removed inboxes on their own", async () => {
    const companies = (await pageThrough('/v1/companies', 50)).rows;
    expect(companies.find((c) => c.id === companyId).contactIds).toHaveLength(3);
    const contactRows = (await pageThrough('/v1/contacts', 50)).rows;
    expect(contactRows.find((c) => c.id === contactId).companyIds).toEqual([companyId]);
    const inboxes = (await pageThrough('/v1/inboxes', 50)).rows;
    expect(inboxes.every((i) => i.ownerEmail === inboxOwner.email)).toBe(true);
    const removed = (await pageThrough('/v1/inboxes?status=removed', 2)).rows;
    expect(new Set(removed.map((i) => i.id))).toEqual(removedInboxIds);
    const threads = (await pageThrough(`/v1/contacts/${contactId}/timeline`, 9)).rows;
    expect(threads.reduce((n, t) => n + t.emails.length, 0)).toBe(70 + 24);
    for (const t of threads) {
      const times = t.emails.map((e: any) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((x, y) => y - x));
      expect(Date.parse(t.latestAt)).toBe(times[0]);
    }
  });
});
