// The tracker over real HTTP on loopback: the pixel is the 43-byte GIF with no-cache headers whatever the
// token; a click token redirects to its target with no key and no look-up; a tampered, unknown-key or open
// token on the click route answers 404 and records nothing; repeats of one request are one row with hits;
// events are classified (a HEAD is a scanner, so is a mail gateway's range; an Apple-range open a privacy prefetch).
import { randomBytes, randomUUID } from 'node:crypto';
import { parseEncryptionKeys, trackingEvents } from '@reply-sync/db';
import { request as httpRequest } from 'node:http';
import { parseIpRanges, parseTrackingKeys, signTrackingToken, type TrackingClaims } from '@reply-sync/tracking';
import { stack, waitFor } from '@reply-sync/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiEnv } from '../src/env';
import { redactUrl } from '../src/log-options';
import { startTestApi, type TestAccount, type TestApi } from './helpers';

const keys = parseTrackingKeys(`t1:${randomBytes(32).toString('hex')}`);
let api: TestApi;
let a: TestAccount;
let base: string;
let emailId: string;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const sentAt = new Date(Date.now() - 3600_000);

beforeAll(async () => {
  // Loopback stands in for Apple's egress and a mail gateway's: 127.0.0.2 is "Apple", 127.0.0.3 "Defender", 127.0.0.1 a person.
  api = await startTestApi({ tracking: { keys, appleRanges: parseIpRanges('127.0.0.2/32'), scannerRanges: parseIpRanges('127.0.0.3/32'), flushIntervalMs: 20 } });
  a = await api.account();
  const inbox = await a.s.inboxes.create({ kind: 'team', address: `team-${randomUUID().slice(0, 8)}@mail.test`, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'team', credentials: { password: 'x' } }, parseEncryptionKeys(stack.encryptionKeys));
  const { email } = await a.s.outgoingEmails.create({ inboxId: inbox.id, userId: null, sendId: `track-${randomUUID()}`, to: ['bob@example.test'], subject: 'Pricing', htmlBody: '<p>hi</p>' });
  emailId = email.id;
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await api?.close();
});

const claims = (over: Partial<TrackingClaims> = {}): TrackingClaims => ({ kind: 'open', accountId: a.accountId, emailId, recipient: `bob+${randomUUID().slice(0, 6)}@example.test`, sentAt, ...over });
const rowsOf = async (recipient: string) => api.db.db.select().from(trackingEvents).where(eq(trackingEvents.recipient, recipient));
/** A GET from another loopback address (fetch cannot choose its source address). */
const getFrom = (localAddress: string, path: string, userAgent = CHROME) =>
  new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    const url = new URL(`${base}${path}`);
    httpRequest({ host: url.hostname, port: url.port, path: url.pathname, localAddress, headers: { 'user-agent': userAgent } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    })
      .on('error', reject)
      .end();
  });
const get = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { redirect: 'manual', ...init, headers: { 'user-agent': CHROME, ...(init.headers as object) } });

describe('GET /t/o/<token>.gif', () => {
  it('answers the 43-byte transparent GIF, uncached and readable cross-origin, for a good token and for junk alike', async () => {
    const c = claims();
    const good = signTrackingToken(keys, c);
    const tampered = `${good.slice(0, 40)}${good[40] === 'A' ? 'B' : 'A'}${good.slice(41)}`;
    // A good token, junk, another key's token, a changed one, and a click token of the same recipient.
    const others = ['garbage', signTrackingToken(parseTrackingKeys(`zz:${randomBytes(32).toString('hex')}`), c), tampered, signTrackingToken(keys, { ...c, kind: 'click', target: 'https://example.com/' })];
    for (const token of [good, ...others]) {
      const res = await get(`/t/o/${token}.gif`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toContain('no-store');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      // Set by the route itself: helmet is off on this hot path (bench `tracker`).
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length).toBe(43);
      expect(body.subarray(0, 6).toString('ascii')).toBe('GIF89a');
    }
    // Only the good token's open is recorded, as a person's (the pixel's tokens are checked when written).
    await waitFor(async () => (await rowsOf(c.recipient)).length === 1, { timeoutMs: 5000, what: 'the open recorded' });
    await api.app.trackingRecorder!.flush();
    const rows = await rowsOf(c.recipient);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'open', eventClass: 'human', reason: 'human', counted: true, hits: 1, userAgent: CHROME, accountId: a.accountId });
  });

  it('collapses repeats of one request into one row with hits, and classifies an Apple-range open as a prefetch', async () => {
    const c = claims();
    const token = signTrackingToken(keys, c);
    // Three repeats, and in the same batch the same token from another browser and as a HEAD: other requests.
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
    await Promise.all([...[1, 2, 3].map(() => get(`/t/o/${token}.gif`)), get(`/t/o/${token}.gif`, { headers: { 'user-agent': firefox } }), get(`/t/o/${token}.gif`, { method: 'HEAD' })]);
    await api.app.trackingRecorder!.flush();
    await get(`/t/o/${token}.gif`);
    await api.app.trackingRecorder!.flush();
    const rows = await rowsOf(c.recipient);
    expect(rows.map((r) => [r.method, r.userAgent, r.hits]).sort()).toEqual([['GET', CHROME, 4], ['GET', firefox, 1], ['HEAD', CHROME, 1]].sort());

    // From 127.0.0.2 (standing in for Apple's egress): a privacy-proxy prefetch, not an open by a person.
    const apple = claims();
    const { status } = await getFrom('127.0.0.2', `/t/o/${signTrackingToken(keys, apple)}.gif`, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)');
    expect(status).toBe(200);
    await api.app.trackingRecorder!.flush();
    expect((await rowsOf(apple.recipient))[0]).toMatchObject({ eventClass: 'privacy_proxy', reason: 'apple_mpp_egress_range', counted: false, ip: '127.0.0.2' });
  });
});

describe('GET /t/c/<token>', () => {
  it("redirects to the token's target with no key, without leaking the token as Referer", async () => {
    const c = claims({ kind: 'click', target: 'https://example.com/pricing?plan=pro#faq' });
    const res = await get(`/t/c/${signTrackingToken(keys, c)}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.com/pricing?plan=pro#faq');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    await waitFor(async () => (await rowsOf(c.recipient)).length === 1, { timeoutMs: 5000, what: 'the click recorded' });
    expect((await rowsOf(c.recipient))[0]).toMatchObject({ kind: 'click', target: 'https://example.com/pricing?plan=pro#faq', method: 'GET' });
  });

  it('answers 404 and records nothing for a tampered target, an unknown key, an open token or junk: no open redirect', async () => {
    const c = claims({ kind: 'click', target: 'https://example.com/a' });
    const good = signTrackingToken(keys, c);
    const raw = Buffer.from(good, 'base64url');
    // Rewrite the target's last bytes to point elsewhere, keeping the old MAC.
    const tampered = Buffer.from(raw);
    tampered[tampered.length - 17] = 'b'.charCodeAt(0);
    const otherKey = signTrackingToken(parseTrackingKeys(`t1:${randomBytes(32).toString('hex')}`), { ...c, target: 'https://evil.test/' });
    for (const token of [tampered.toString('base64url'), otherKey, signTrackingToken(keys, { ...c, kind: 'open', target: undefined }), 'https%3A%2F%2Fevil.test', 'x']) {
      const res = await get(`/t/c/${token}`);
      expect(res.status, token).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(((await res.json()) as { code: string }).code).toBe('tracking_link_invalid');
    }
    await api.app.trackingRecorder!.flush();
    expect(await rowsOf(c.recipient)).toEqual([]);
  });

  it('a scanner following every link in one go: the first click counts, the rest within the second are a scanner', async () => {
    const c = claims({ kind: 'click', target: 'https://example.com/1' });
    for (const n of [1, 2, 3]) expect((await get(`/t/c/${signTrackingToken(keys, { ...c, target: `https://example.com/${n}` })}`)).status).toBe(302);
    await api.app.trackingRecorder!.flush();
    // By link, not by time: three requests in a row on loopback can share a millisecond (the recorder keeps
    // their arrival order; a sort by occurred_at would not).
    const rows = (await rowsOf(c.recipient)).sort((x, y) => x.target!.localeCompare(y.target!));
    expect(rows.map((r) => [r.target, r.eventClass, r.reason])).toEqual([
      ['https://example.com/1', 'human', 'human'],
      ['https://example.com/2', 'scanner', 'links_clicked_within_a_second'],
      ['https://example.com/3', 'scanner', 'links_clicked_within_a_second'],
    ]);
  });

  it("a token naming another account with this account's email redirects but records nothing", async () => {
    const other = await api.account();
    const c = claims({ kind: 'click', target: 'https://example.com/x', accountId: other.accountId });
    expect((await get(`/t/c/${signTrackingToken(keys, c)}`)).status).toBe(302);
    await api.app.trackingRecorder!.flush();
    expect(await rowsOf(c.recipient)).toEqual([]);
  });

  it("a mail gateway's click and pixel fetch (from its ranges, a browser's agent, a day later) redirect and are recorded as a scanner's", async () => {
    const c = claims({ kind: 'click', target: 'https://example.com/gateway', sentAt: new Date(Date.now() - 86_400_000) });
    expect(await getFrom('127.0.0.3', `/t/c/${signTrackingToken(keys, c)}`)).toEqual({ status: 302, location: 'https://example.com/gateway' });
    expect((await getFrom('127.0.0.3', `/t/o/${signTrackingToken(keys, { ...c, kind: 'open', target: undefined })}.gif`)).status).toBe(200);
    await api.app.trackingRecorder!.flush();
    const rows = await rowsOf(c.recipient);
    expect(rows.map((r) => [r.kind, r.eventClass, r.reason, r.counted]).sort()).toEqual([['click', 'scanner', 'known_scanner_range', false], ['open', 'scanner', 'known_scanner_range', false]]);
  });

  it('a HEAD on a link (a scanner checking it) redirects and is recorded as a scanner', async () => {
    const c = claims({ kind: 'click', target: 'https://example.com/b' });
    const res = await get(`/t/c/${signTrackingToken(keys, c)}`, { method: 'HEAD' });
    expect(res.status).toBe(302);
    await api.app.trackingRecorder!.flush();
    expect((await rowsOf(c.recipient))[0]).toMatchObject({ method: 'HEAD', eventClass: 'scanner', reason: 'head_request', counted: false });
  });
});

describe('the OpenAPI document', () => {
  it('lists the tracker routes as public operations, with no API key', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { security?: unknown; tags?: string[] }>> };
    for (const [path, method] of [['/t/o/{token}.gif', 'get'], ['/t/o/{token}.gif', 'head'], ['/t/c/{token}', 'get'], ['/t/c/{token}', 'head']] as const) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op!.security).toBeUndefined();
      expect(op!.tags).toEqual(['tracking']);
    }
  });
});

describe('logs', () => {
  it('never hold a tracking token (it names the recipient), and a logged tracker URL is redacted', async () => {
    const c = claims({ kind: 'click', target: 'https://example.com/logs' });
    const token = signTrackingToken(keys, c);
    await get(`/t/c/${token}`);
    await get(`/t/o/${token}.gif`);
    await get(`/t/c/${token.slice(0, -2)}xx`);
    expect(api.logs.join('').includes(token.slice(0, 40))).toBe(false);
    expect(redactUrl(`/t/c/${token}`)).toBe('/t/c/[redacted]');
    expect(redactUrl(`/t/o/${token}.gif`)).toBe('/t/o/[redacted].gif');
  });
});

describe('TRACKING_KEYS', () => {
  const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379' };
  it('is parsed newest first; unset turns tracking off; a short key stops the API with what to set', () => {
    const secret = randomBytes(32).toString('hex');
    expect(parseApiEnv({ ...base, TRACKING_KEYS: `new:${secret},old:${secret}` }).trackingKeys?.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(parseApiEnv(base).trackingKeys).toBeNull();
    expect(() => parseApiEnv({ ...base, TRACKING_KEYS: 'k1:abcd' })).toThrow(/TRACKING_KEYS.*32 random bytes|shorter than 32 bytes/);
  });
});
