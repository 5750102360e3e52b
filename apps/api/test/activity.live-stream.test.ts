// GET /v1/activity/stream across two API instances on one database, as in production: the pixel is
// requested from one (whose recorder writes the open), the SSE client reads from the other, and the open
// arrives within a second through PostgreSQL NOTIFY. Only the key's account, only a person's events;
// Last-Event-ID replays what was missed; streams per account are capped; slow clients are dropped.
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { parseEncryptionKeys } from '@reply-sync/db';
import { parseIpRanges, parseTrackingKeys, signTrackingToken, type TrackingClaims } from '@reply-sync/tracking';
import { stack, waitFor } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';
import { openSse, type SseClient } from './sse-client';

const keys = parseTrackingKeys(`t1:${randomBytes(32).toString('hex')}`);
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
let recorderApi: TestApi;
let streamApi: TestApi;
let trackerBase: string;
let streamBase: string;
let a: TestAccount;
let b: TestAccount;
const streams: SseClient[] = [];

async function trackedEmail(account: TestAccount): Promise<string> {
  const inbox = await account.s.inboxes.create({ kind: 'team', address: `team-${randomUUID().slice(0, 8)}@mail.test`, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'team', credentials: { password: 'x' } }, parseEncryptionKeys(stack.encryptionKeys));
  const { email } = await account.s.outgoingEmails.create({ inboxId: inbox.id, userId: null, sendId: `track-${randomUUID()}`, to: ['bob@example.test'], subject: 'Pricing', htmlBody: '<p>hi</p>' });
  return email.id;
}
const claimsFor = (account: TestAccount, emailId: string, over: Partial<TrackingClaims> = {}): TrackingClaims => ({ kind: 'open', accountId: account.accountId, emailId, recipient: `bob+${randomUUID().slice(0, 6)}@example.test`, sentAt: new Date(Date.now() - 3600_000), ...over });
const pixel = (c: TrackingClaims, method = 'GET') => fetch(`${trackerBase}/t/o/${signTrackingToken(keys, c)}.gif`, { method, headers: { 'user-agent': CHROME } });
const stream = async (key: string, headers: Record<string, string> = {}) => {
  const s = await openSse(`${streamBase}/v1/activity/stream`, { ...bearer(key), ...headers });
  streams.push(s);
  return s;
};

beforeAll(async () => {
  // The recorder's default flush interval (250 ms): the figure is the product's, not a test's shortcut.
  recorderApi = await startTestApi({ tracking: { keys, appleRanges: parseIpRanges('192.0.2.0/32') } });
  streamApi = await startTestApi({ live: { databaseUrl: stack.databaseUrl, maxStreamsPerAccount: 3, keepAliveMs: 200 } });
  await streamApi.app.liveActivity!.ready;
  trackerBase = await recorderApi.app.listen({ host: '127.0.0.1', port: 0 });
  streamBase = await streamApi.app.listen({ host: '127.0.0.1', port: 0 });
  a = await streamApi.account();
  b = await streamApi.account();
});
afterAll(async () => {
  for (const s of streams) s.close();
  await recorderApi?.close();
  await streamApi?.close();
});

describe('GET /v1/activity/stream', () => {
  it("sees a person's open within 1 s of the pixel request, recorded by another API instance; not another account's, not a machine's", async () => {
    const emailId = await trackedEmail(a);
    const mine = await stream(await a.key(['read']));
    const theirs = await stream(await b.key(['read']));
    expect(mine.status).toBe(200);
    expect(mine.contentType).toMatch(/^text\/event-stream/);
    await mine.next(() => true, 50).catch(() => undefined); // nothing yet
    expect(mine.events).toEqual([]);

    // A machine's request first (HEAD: a scanner), then a person's open.
    const scanner = claimsFor(a, emailId);
    expect((await pixel(scanner, 'HEAD')).status).toBe(200);
    const human = claimsFor(a, emailId);
    const requestedAt = Date.now();
    expect((await pixel(human)).status).toBe(200);
    const opened = await mine.next((e) => e.data.recipient === human.recipient, 5000);
    expect(opened.receivedAt - requestedAt).toBeLessThan(1000);
    expect(opened.event).toBe('email.opened');
    expect(opened.data).toMatchObject({ kind: 'open', outgoingEmailId: emailId, subject: 'Pricing', recipient: human.recipient, contactId: null, target: null });
    expect(opened.id).toBe(opened.data.id);

    // A click arrives as email.clicked; the scanner's HEAD never arrived; account b saw nothing.
    const click = claimsFor(a, emailId, { kind: 'click', target: 'https://example.com/pricing', recipient: human.recipient });
    expect((await fetch(`${trackerBase}/t/c/${signTrackingToken(keys, click)}`, { redirect: 'manual', headers: { 'user-agent': CHROME } })).status).toBe(302);
    const clicked = await mine.next((e) => e.event === 'email.clicked', 5000);
    expect(clicked.data).toMatchObject({ kind: 'click', target: 'https://example.com/pricing', recipient: human.recipient });
    expect(mine.events.map((e) => e.data.recipient)).not.toContain(scanner.recipient);
    expect(mine.comments).toContain('keep-alive');
    expect(theirs.events).toEqual([]);

    // Reconnecting with Last-Event-ID replays what came after that event (here: the click), and only that.
    mine.close();
    const resumed = await stream(await a.key(['read']), { 'last-event-id': opened.id! });
    const replayed = await resumed.next((e) => e.event === 'email.clicked', 5000);
    expect(replayed.id).toBe(clicked.id);
    expect(resumed.events.map((e) => e.id)).toEqual([clicked.id]);
  });

  it('keeps streams open through a lost LISTEN connection: the hub listens again and the next open arrives', async () => {
    const emailId = await trackedEmail(a);
    const s = await stream(await a.key(['read']));
    expect(s.status).toBe(200);
    // The server ends the API process's LISTEN session (a PostgreSQL restart or a network cut looks the same).
    const hub = streamApi.app.liveActivity!;
    const before = await hub.listenerPid();
    expect(before).toEqual(expect.any(Number));
    await streamApi.db.sql`SELECT pg_terminate_backend(${before!})`;
    await waitFor(async () => {
      const now = await hub.listenerPid();
      return now !== null && now !== before;
    }, { what: 'LISTEN again on a new session', timeoutMs: 15_000 });
    const human = claimsFor(a, emailId);
    expect((await pixel(human)).status).toBe(200);
    await s.next((e) => e.data.recipient === human.recipient, 5000);
  });

  it('drops a client that stops reading once it is 256 KiB behind; a reading client of the account gets every event, a burst too', { timeout: 90_000 }, async () => {
    const d = await streamApi.account();
    const key = await d.key(['read']);
    const inbox = await d.s.inboxes.create({ kind: 'team', address: `team-${randomUUID().slice(0, 8)}@mail.test`, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'team', credentials: { password: 'x' } }, parseEncryptionKeys(stack.encryptionKeys));
    // A 20 KB subject (every event carries it), so the kernel's socket buffers (megabytes on loopback) fill in seconds.
    const { email } = await d.s.outgoingEmails.create({ inboxId: inbox.id, userId: null, sendId: `track-${randomUUID()}`, to: ['bob@example.test'], subject: `Pricing ${'x'.repeat(20_000)}`, htmlBody: '<p>hi</p>' });
    const reading = await stream(key);
    const droppedLine = () => streamApi.logs.find((line) => line.includes('activity_stream_dropped') && line.includes(d.accountId));
    // First a burst: 20 events of 20 KB in one batch reach the stream in one write, more than 256 KiB at
    // once. The client is reading: it gets them all and is not dropped.
    await Promise.all(Array.from({ length: 20 }, () => pixel(claimsFor(d, email.id))));
    await recorderApi.app.trackingRecorder!.flush();
    await waitFor(() => reading.events.length >= 20, { what: 'the burst on the reading stream', timeoutMs: 10_000, intervalMs: 5 });
    expect(droppedLine()).toBeUndefined();
    // The slow client: a raw HTTP request whose socket stops being read once the response head is in.
    const slow = connect({ host: '127.0.0.1', port: Number(new URL(streamBase).port) });
    await once(slow, 'connect');
    slow.write(`GET /v1/activity/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: ${bearer(key).authorization}\r\n\r\n`);
    let received = '';
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (!received.includes('\r\n\r\n')) return;
        slow.off('data', onData);
        slow.pause();
        resolve();
      };
      slow.on('data', onData);
    });
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    let sent = 20;
    while (!droppedLine() && sent < 1000) {
      await Promise.all(Array.from({ length: 5 }, () => pixel(claimsFor(d, email.id))));
      sent += 5;
      await recorderApi.app.trackingRecorder!.flush();
      await waitFor(() => reading.events.length >= sent, { what: `${sent} events on the reading stream`, timeoutMs: 10_000, intervalMs: 5 });
    }
    expect(droppedLine(), `no drop after ${sent} events of 20 KB`).toBeDefined();
    // The reading client has every one, in order of arrival, and keeps its stream.
    expect(new Set(reading.events.map((e) => e.id)).size).toBe(sent);
    const after = claimsFor(d, email.id);
    await pixel(after);
    await reading.next((e) => e.data.recipient === after.recipient, 5000);
    // The slow one, read again, gets what the kernel still held, then the end: it must reconnect (with Last-Event-ID).
    const ended = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    slow.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    slow.resume();
    await ended;
    const slowEvents = received.split('event: email.opened\n').length - 1;
    expect(slowEvents).toBeGreaterThan(0);
    expect(slowEvents).toBeLessThan(sent);
  });

  it('caps the streams of an account in one process (429), and answers 503 where live updates are off', async () => {
    const c = await streamApi.account();
    const key = await c.key(['read']);
    for (let i = 0; i < 3; i++) expect((await stream(key)).status).toBe(200);
    const refused = await fetch(`${streamBase}/v1/activity/stream`, { headers: bearer(key) });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { code: string }).code).toBe('too_many_streams');
    // Without a key: 401 as everywhere.
    expect((await fetch(`${streamBase}/v1/activity/stream`)).status).toBe(401);

    const off = await recorderApi.account();
    const res = await recorderApi.app.inject({ method: 'GET', url: '/v1/activity/stream', headers: bearer(await off.key(['read'])) });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'live_updates_not_configured' });
  });
});
