// Tracked sends end to end: the sync worker's sendEmail sends through the stack's Postfix, the message is
// fetched from the recipient's Dovecot INBOX and parsed, and its pixel and links are requested over HTTP
// from a real API server on loopback. Each test has its own account, sender and recipient mailboxes.
import { randomBytes } from 'node:crypto';
import { accounts, doNotTrack, parseEncryptionKeys, trackingEvents, type TrackingEventRow } from '@reply-sync/db';
import { sendEmail } from '@reply-sync/sync-worker';
import { createMailUser, openImap, removeMailUser, stack, uniqueName, waitFor, type MailUser } from '@reply-sync/testkit';
import { parseIpRanges, parseTrackingKeys, verifyTrackingToken } from '@reply-sync/tracking';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestAccount, type TestApi } from './helpers';

const keyring = parseTrackingKeys(`e1:${randomBytes(32).toString('hex')}`);
const encryptionKeys = parseEncryptionKeys(stack.encryptionKeys);
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const APPLE_PROXY = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const HTML = '<html><body><p>Hello, see <a href="https://example.com/pricing?plan=pro&amp;x=1">our pricing</a>, <a href="https://example.org/docs">the docs</a> or <a href="mailto:sales@example.com">mail us</a>.</p></body></html>';
const TEXT = 'Hello, see our pricing: https://example.com/pricing?plan=pro&x=1';

let api: TestApi;
let base: string;
const users: MailUser[] = [];

beforeAll(async () => {
  // Apple's egress is not on loopback: Apple's proxy is recognised here by its agent and timing.
  api = await startTestApi({ tracking: { keys: keyring, appleRanges: parseIpRanges('192.0.2.0/24'), flushIntervalMs: 20 } });
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await api?.close();
});
afterEach(async () => {
  await Promise.all(users.splice(0).map((u) => removeMailUser(u).catch(() => undefined)));
});

async function mailUser(): Promise<MailUser> {
  const u = await createMailUser({ profile: 'standard' });
  users.push(u);
  return u;
}

interface World {
  a: TestAccount;
  inboxId: string;
  userId: string;
  sender: MailUser;
}

async function world(): Promise<World> {
  const a = await api.account();
  const sender = await mailUser();
  const p = stack.profiles.standard;
  const user = await a.s.users.add({ email: sender.address, name: 'Sam Sender' });
  const inbox = await a.s.inboxes.create(
    {
      userId: user.id,
      kind: 'personal',
      provider: 'imap',
      address: sender.address,
      imapHost: p.host,
      imapPort: p.imapPort,
      imapTls: 'starttls',
      smtpHost: stack.smtp.host,
      smtpPort: stack.smtp.submissionPort,
      smtpTls: 'starttls',
      username: sender.user,
      credentials: { password: sender.password },
    },
    encryptionKeys,
  );
  return { a, inboxId: inbox.id, userId: user.id, sender };
}

interface Delivered {
  html: string;
  text: string;
  messageId: string;
  emailId: string;
  outgoingEmailId: string;
}

async function messageSource(user: MailUser, mailbox: string, messageId: string): Promise<Buffer> {
  return waitFor(
    async () => {
      const client = await openImap(user);
      try {
        const lock = await client.getMailboxLock(mailbox, { readOnly: true });
        try {
          if (!client.mailbox || client.mailbox.exists === 0) return null;
          for await (const m of client.fetch('1:*', { envelope: true, source: true })) if (m.envelope?.messageId === messageId && m.source) return m.source;
          return null;
        } finally {
          lock.release();
        }
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    { what: `message ${messageId} in ${user.address}'s ${mailbox}`, timeoutMs: 20_000 },
  );
}

/** Sends a tracked email from the world's sender and returns it as the first recipient received it. */
async function sendTracked(w: World, to: MailUser[], options: { cc?: MailUser[]; html?: string; configured?: boolean } = {}): Promise<Delivered> {
  const { email } = await w.a.s.outgoingEmails.create({
    inboxId: w.inboxId,
    userId: w.userId,
    sendId: uniqueName('tracked'),
    to: to.map((u) => u.address),
    cc: (options.cc ?? []).map((u) => u.address),
    subject: `Pricing ${uniqueName('s')}`,
    textBody: TEXT,
    htmlBody: options.html ?? HTML,
    track: true,
  });
  const result = await sendEmail(
    { accountId: w.a.accountId, outgoingEmailId: email.id },
    { db: api.db.db, keys: encryptionKeys, ca: stack.caCert, logger: silent, tracking: options.configured === false ? null : { keyring, trackerUrl: base } },
  );
  const parsed = await simpleParser(await messageSource(to[0]!, 'INBOX', result.messageId));
  return { html: typeof parsed.html === 'string' ? parsed.html : '', text: parsed.text ?? '', messageId: result.messageId, emailId: result.emailId, outgoingEmailId: email.id };
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pixelsIn = (html: string) => [...html.matchAll(new RegExp(`${escaped(base)}/t/o/([A-Za-z0-9_-]+)\\.gif`, 'g'))].map((m) => m[0]);
const linksIn = (html: string) => [...html.matchAll(new RegExp(`href="(${escaped(base)}/t/c/[A-Za-z0-9_-]+)"`, 'g'))].map((m) => m[1]!);
const get = (url: string, userAgent = CHROME, method = 'GET') => fetch(url, { method, redirect: 'manual', headers: { 'user-agent': userAgent } });

async function eventsOf(outgoingEmailId: string): Promise<TrackingEventRow[]> {
  await api.app.trackingRecorder!.flush();
  return api.db.db.select().from(trackingEvents).where(eq(trackingEvents.emailId, outgoingEmailId)).orderBy(trackingEvents.occurredAt);
}

describe('a tracked send to one contact', () => {
  it('carries a personal pixel and tracked links; a human open then a click are recorded by name; the text part, the Sent copy and the timeline keep the original', async () => {
    const w = await world();
    const bob = await mailUser();
    await w.a.s.contacts.add({ email: bob.address, ownerUserId: w.userId });
    const sent = await sendTracked(w, [bob]);

    const [pixel] = pixelsIn(sent.html);
    expect(pixel).toBeDefined();
    const links = linksIn(sent.html);
    expect(links).toHaveLength(2);
    expect(sent.html).toContain('href="mailto:sales@example.com"');
    expect(sent.html).not.toContain('https://example.com/pricing');
    // The plain-text part keeps the original link.
    expect(sent.text).toContain('https://example.com/pricing?plan=pro&x=1');
    expect(sent.text).not.toContain('/t/c/');

    const open = await get(pixel!);
    expect(open.status).toBe(200);
    expect(Buffer.from(await open.arrayBuffer()).length).toBe(43);
    const click = await get(links[0]!);
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://example.com/pricing?plan=pro&x=1');

    await waitFor(async () => (await eventsOf(sent.outgoingEmailId)).length === 2, { what: 'the open and the click recorded', timeoutMs: 10_000 });
    const events = await eventsOf(sent.outgoingEmailId);
    expect(events.map((e) => [e.kind, e.recipient, e.eventClass, e.counted])).toEqual([
      ['open', bob.address.toLowerCase(), 'human', true],
      ['click', bob.address.toLowerCase(), 'human', true],
    ]);
    expect(events[1]!.target).toBe('https://example.com/pricing?plan=pro&x=1');

    // The \Sent copy: same Message-ID, no pixel, the links as written.
    const copy = await simpleParser(await messageSource(w.sender, 'Sent', sent.messageId));
    expect(copy.html).not.toContain('/t/o/');
    expect(copy.html).not.toContain('/t/c/');
    expect(copy.html).toContain('https://example.com/pricing?plan=pro&amp;x=1');
    // The logged email (the timeline) keeps the HTML as written.
    expect((await w.a.s.emails.get(sent.emailId))?.htmlBody).toBe(HTML);
    const outgoing = await w.a.s.outgoingEmails.get(sent.outgoingEmailId);
    expect(outgoing?.trackingPlan).toMatchObject({ pixel: 'personal', clicks: true, reasons: ['tracked_personal'] });
  });

  it("counts Apple Mail's proxy fetching the pixel seconds after sending as a privacy prefetch, not an open", async () => {
    const w = await world();
    const bob = await mailUser();
    await w.a.s.contacts.add({ email: bob.address, ownerUserId: w.userId });
    const sent = await sendTracked(w, [bob]);
    expect((await get(pixelsIn(sent.html)[0]!, APPLE_PROXY)).status).toBe(200);
    await waitFor(async () => (await eventsOf(sent.outgoingEmailId)).length === 1, { what: 'the prefetch recorded', timeoutMs: 10_000 });
    expect(await eventsOf(sent.outgoingEmailId)).toMatchObject([{ kind: 'open', eventClass: 'privacy_proxy', reason: 'apple_mpp_prefetch_timing', counted: false }]);
  });

  it('classifies a scanner that clicks every link within a second, and a HEAD check, as a scanner', async () => {
    const w = await world();
    const bob = await mailUser();
    await w.a.s.contacts.add({ email: bob.address, ownerUserId: w.userId });
    const sent = await sendTracked(w, [bob]);
    const links = linksIn(sent.html);
    expect((await get(links[0]!, CHROME, 'HEAD')).status).toBe(302);
    for (const link of links) expect((await get(link)).status).toBe(302);
    await waitFor(async () => (await eventsOf(sent.outgoingEmailId)).length === 3, { what: 'three clicks recorded', timeoutMs: 10_000 });
    const events = await eventsOf(sent.outgoingEmailId);
    expect(events.every((e) => e.eventClass === 'scanner' && !e.counted)).toBe(true);
    expect(events.map((e) => e.reason)).toContain('head_request');
    expect(events.some((e) => e.reason === 'links_clicked_within_a_second' || e.reason === 'click_before_open_at_delivery')).toBe(true);
  });

  it('answers a tampered token with the pixel or a 404 and records nothing, and refuses a link whose target was changed (no open redirect)', async () => {
    const w = await world();
    const bob = await mailUser();
    await w.a.s.contacts.add({ email: bob.address, ownerUserId: w.userId });
    const sent = await sendTracked(w, [bob]);
    const pixel = pixelsIn(sent.html)[0]!;
    const link = linksIn(sent.html)[0]!;
    const flip = (url: string, at: number) => {
      const token = url.slice(url.lastIndexOf('/') + 1).replace(/\.gif$/, '');
      const raw = Buffer.from(token, 'base64url');
      raw[at] = raw[at]! ^ 0x01;
      return url.replace(token, raw.toString('base64url'));
    };
    const tamperedPixel = await get(flip(pixel, 20));
    expect(tamperedPixel.status).toBe(200);
    expect(Buffer.from(await tamperedPixel.arrayBuffer()).length).toBe(43);
    expect((await get(flip(link, 20))).status).toBe(404);

    // The target swapped for another of the same length, keeping the signature: 404, not a redirect.
    const token = link.slice(link.lastIndexOf('/') + 1);
    const verified = verifyTrackingToken(keyring, token);
    expect(verified.ok).toBe(true);
    const raw = Buffer.from(token, 'base64url');
    const target = Buffer.from('https://example.com/pricing?plan=pro&x=1');
    const at = raw.indexOf(target);
    expect(at).toBeGreaterThan(0);
    Buffer.from('https://evil.test/'.padEnd(target.length, 'x')).copy(raw, at);
    const redirect = await get(`${base}/t/c/${raw.toString('base64url')}`);
    expect(redirect.status).toBe(404);
    expect(redirect.headers.get('location')).toBeNull();

    await new Promise((resolve) => setTimeout(resolve, 200)); // past a flush interval
    expect(await eventsOf(sent.outgoingEmailId)).toEqual([]);
  });
});

describe('anonymous and untracked sends', () => {
  it('a multi-recipient email carries one anonymous pixel: its open is stored with no recipient, address or agent', async () => {
    const w = await world();
    const [bob, carol] = [await mailUser(), await mailUser()];
    for (const u of [bob, carol]) await w.a.s.contacts.add({ email: u.address, ownerUserId: w.userId });
    const sent = await sendTracked(w, [bob], { cc: [carol] });
    const pixel = pixelsIn(sent.html)[0]!;
    expect(verifyTrackingToken(keyring, pixel.slice(pixel.lastIndexOf('/') + 1, -4))).toMatchObject({ ok: true, claims: { recipient: '*' } });
    // The same request twice at once: one row with two hits (anonymous repeats still collapse).
    expect((await Promise.all([get(pixel), get(pixel)])).map((r) => r.status)).toEqual([200, 200]);
    await waitFor(async () => (await eventsOf(sent.outgoingEmailId)).reduce((n, e) => n + e.hits, 0) === 2, { what: 'the anonymous opens recorded', timeoutMs: 10_000 });
    expect(await eventsOf(sent.outgoingEmailId)).toMatchObject([{ kind: 'open', recipient: null, ip: null, userAgent: null, eventClass: 'human', counted: true, hits: 2 }]);
    const outgoing = await w.a.s.outgoingEmails.get(sent.outgoingEmailId);
    expect(outgoing?.trackingPlan).toMatchObject({ pixel: 'anonymous', reasons: ['anonymous_several_recipients'] });
  });

  it('under GDPR, a contact without a tracking basis is tracked anonymously', async () => {
    const w = await world();
    await api.db.db.update(accounts).set({ trackingGdpr: true }).where(eq(accounts.id, w.a.accountId));
    const bob = await mailUser();
    await w.a.s.contacts.add({ email: bob.address, ownerUserId: w.userId });
    const sent = await sendTracked(w, [bob]);
    const pixel = pixelsIn(sent.html)[0]!;
    expect((await get(pixel)).status).toBe(200);
    await waitFor(async () => (await eventsOf(sent.outgoingEmailId)).length === 1, { what: 'the anonymous open recorded', timeoutMs: 10_000 });
    expect(await eventsOf(sent.outgoingEmailId)).toMatchObject([{ recipient: null, ip: null, userAgent: null }]);
    expect((await w.a.s.outgoingEmails.get(sent.outgoingEmailId))?.trackingPlan).toMatchObject({ pixel: 'anonymous', reasons: ['anonymous_no_tracking_basis'] });
  });

  it('"do not track": the delivered message has no pixel and its links as written', async () => {
    const w = await world();
    const bob = await mailUser();
    await w.a.s.contacts.add({ email: bob.address, ownerUserId: w.userId });
    const domain = bob.address.split('@')[1]!.toLowerCase();
    await api.db.db.insert(doNotTrack).values({ accountId: w.a.accountId, kind: 'domain', value: domain });
    const sent = await sendTracked(w, [bob]);
    expect(sent.html).not.toContain('/t/o/');
    expect(sent.html).not.toContain('/t/c/');
    expect(sent.html).toContain('https://example.com/pricing?plan=pro&amp;x=1');
    const outgoing = await w.a.s.outgoingEmails.get(sent.outgoingEmailId);
    expect(outgoing?.trackingPlan).toMatchObject({ pixel: 'none', clicks: false, reasons: ['not_tracked_do_not_track'] });
    expect(outgoing?.sentCopyRaw).toBeNull();
  });

  it('tracking asked for on a server without tracking keys or tracker URL: sent untracked, saying why', async () => {
    const w = await world();
    const bob = await mailUser();
    const sent = await sendTracked(w, [bob], { configured: false });
    expect(sent.html).not.toContain('/t/o/');
    expect((await w.a.s.outgoingEmails.get(sent.outgoingEmailId))?.trackingPlan).toMatchObject({ pixel: 'none', reasons: ['tracking_not_configured'] });
  });
});
