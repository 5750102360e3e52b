// GET /v1/activity and GET /v1/contacts/{id}/activity over real pixel and link requests (the recorder on
// the real database): a tracked send is Sent until a person opens it, Opened with every time it was,
// Clicked after a person's click; a scanner's requests never change that and are listed apart as likely
// automated, with their reason; pages by cursor; per user; a contact's activity holds only its own events.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseEncryptionKeys } from '@reply-sync/db';
import { parseIpRanges, parseTrackingKeys, signTrackingToken, type TrackingClaims } from '@reply-sync/tracking';
import { stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

const keys = parseTrackingKeys(`t1:${randomBytes(32).toString('hex')}`);
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
let api: TestApi;
let a: TestAccount;
let base: string;
let key: string;
const sends: Record<'opened' | 'quiet' | 'scanned', string> = { opened: '', quiet: '', scanned: '' };
let ana: string;
let bobContact: string;

interface Ev { id: string; kind: string; at: string; recipient: string | null; target: string | null; eventClass: string; reason: string; reasonSentence: string; hits: number }
interface Send { id: string; userId: string | null; state: string; openCount: number; clickCount: number; opens: Ev[]; clicks: Ev[]; automated: Ev[]; subject: string }

beforeAll(async () => {
  api = await startTestApi({ tracking: { keys, appleRanges: parseIpRanges('192.0.2.0/32'), flushIntervalMs: 20 } });
  a = await api.account();
  key = await a.key(['read']);
  ana = (await a.s.users.add({ email: `ana-${randomUUID().slice(0, 8)}@mail.test` })).id;
  const ben = (await a.s.users.add({ email: `ben-${randomUUID().slice(0, 8)}@mail.test` })).id;
  bobContact = (await a.s.contacts.add({ email: 'bob@example.test' })).id;
  const inbox = await a.s.inboxes.create({ kind: 'team', address: `team-${randomUUID().slice(0, 8)}@mail.test`, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'team', credentials: { password: 'x' } }, parseEncryptionKeys(stack.encryptionKeys));
  const sent = async (userId: string, subject: string, minutesAgo: number, to: string[]) => {
    const { email } = await a.s.outgoingEmails.create({ inboxId: inbox.id, userId, sendId: `track-${randomUUID()}`, to, subject, htmlBody: '<p>hi</p>' });
    await api.db.sql`UPDATE outgoing_emails SET track = true, status = 'sent', sent_at = now() - make_interval(mins => ${minutesAgo}) WHERE id = ${email.id}`;
    return email.id;
  };
  sends.scanned = await sent(ana, 'Scanned', 30, ['carol@example.test', 'bob@example.test']);
  sends.quiet = await sent(ben, 'Quiet', 20, ['dan@example.test']);
  sends.opened = await sent(ana, 'Pricing', 10, ['bob@example.test']);
  // Not tracked: never on the feed.
  await a.s.outgoingEmails.create({ inboxId: inbox.id, userId: ana, sendId: `plain-${randomUUID()}`, to: ['bob@example.test'], subject: 'Plain', htmlBody: '<p>hi</p>' });
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });

  const sentAt = new Date(Date.now() - 3600_000);
  const claims = (emailId: string, over: Partial<TrackingClaims>): TrackingClaims => ({ kind: 'open', accountId: a.accountId, emailId, recipient: 'bob@example.test', sentAt, ...over });
  const pixel = (c: TrackingClaims, agent: string, method = 'GET') => fetch(`${base}/t/o/${signTrackingToken(keys, c)}.gif`, { method, headers: { 'user-agent': agent } });
  // Pricing: opened twice by Bob (two devices), then a link clicked; a scanner's HEAD on the pixel beside it.
  await pixel(claims(sends.opened, {}), CHROME);
  await api.app.trackingRecorder!.flush();
  await pixel(claims(sends.opened, {}), FIREFOX);
  await pixel(claims(sends.opened, {}), CHROME, 'HEAD');
  await api.app.trackingRecorder!.flush();
  await fetch(`${base}/t/c/${signTrackingToken(keys, claims(sends.opened, { kind: 'click', target: 'https://example.com/pricing' }))}`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
  // Scanned: only a link scanner's HEAD, on Carol's copy.
  await fetch(`${base}/t/c/${signTrackingToken(keys, claims(sends.scanned, { kind: 'click', target: 'https://example.com/a', recipient: 'carol@example.test' }))}`, { method: 'HEAD', redirect: 'manual' });
  await api.app.trackingRecorder!.flush();
});
afterAll(async () => {
  await api?.close();
});

const get = async (url: string) => {
  const r = await api.app.inject({ method: 'GET', url, headers: bearer(key) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { data: Send[]; nextCursor: string | null };
};

describe('GET /v1/activity', () => {
  it('lists tracked sends newest first as sent, opened or clicked, with the times of a person\'s opens and clicks and the automated events apart', async () => {
    const { data, nextCursor } = await get('/v1/activity');
    expect(nextCursor).toBeNull();
    expect(data.map((s) => [s.subject, s.state])).toEqual([['Pricing', 'clicked'], ['Quiet', 'sent'], ['Scanned', 'sent']]);
    const pricing = data[0]!;
    expect(pricing).toMatchObject({ id: sends.opened, userId: ana, openCount: 2, clickCount: 1 });
    expect(pricing.opens.map((e) => e.reason)).toEqual(['human', 'human']);
    expect(new Date(pricing.opens[0]!.at).getTime()).toBeGreaterThanOrEqual(new Date(pricing.opens[1]!.at).getTime());
    expect(pricing.clicks).toEqual([expect.objectContaining({ kind: 'click', target: 'https://example.com/pricing', recipient: 'bob@example.test', eventClass: 'human' })]);
    expect(pricing.automated).toEqual([expect.objectContaining({ kind: 'open', eventClass: 'scanner', reason: 'head_request', reasonSentence: expect.stringMatching(/^A HEAD request/) })]);
    const scanned = data[2]!;
    expect(scanned).toMatchObject({ openCount: 0, clickCount: 0, opens: [], clicks: [] });
    expect(scanned.automated).toEqual([expect.objectContaining({ kind: 'click', reason: 'head_request', recipient: 'carol@example.test' })]);
  });

  it('pages by cursor, and filters by user', async () => {
    const first = await get('/v1/activity?limit=2');
    expect(first.data.map((s) => s.subject)).toEqual(['Pricing', 'Quiet']);
    const second = await get(`/v1/activity?limit=2&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.data.map((s) => s.subject)).toEqual(['Scanned']);
    expect((await get(`/v1/activity?userId=${ana}`)).data.map((s) => s.subject)).toEqual(['Pricing', 'Scanned']);
    const bad = await api.app.inject({ method: 'GET', url: '/v1/activity?userId=nope', headers: bearer(key) });
    expect(bad.statusCode).toBe(400);
  });

  it("a contact's activity: the sends tracked to them, with only their own events", async () => {
    const { data } = await get(`/v1/contacts/${bobContact}/activity`);
    expect(data.map((s) => [s.subject, s.state])).toEqual([['Pricing', 'clicked']]);
    expect(data[0]).toMatchObject({ openCount: 2, clickCount: 1 });
    expect([...data[0]!.opens, ...data[0]!.clicks, ...data[0]!.automated].map((e) => e.recipient)).toEqual(['bob@example.test', 'bob@example.test', 'bob@example.test', 'bob@example.test']);
    const missing = await api.app.inject({ method: 'GET', url: `/v1/contacts/${randomUUID()}/activity`, headers: bearer(key) });
    expect(missing.statusCode).toBe(404);
  });
});
