// The tracker as its own process, as an operator runs it (`reply-sync tracker`, dist/app/tracker.js): started
// from apps/api/src/tracker-main.ts with its environment, it answers a pixel and records the open, answers a
// changed link with 404 and records nothing, serves none of the API's routes, writes what it answered
// before SIGTERM, and refuses to start without TRACKING_KEYS.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createAccount, createDb, migrate, parseEncryptionKeys, scoped, trackingEvents, type DbHandle } from '@reply-sync/db';
import { parseTrackingKeys, signTrackingToken, type TrackingClaims } from '@reply-sync/tracking';
import { stack, uniqueName, waitFor } from '@reply-sync/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/tracker-main.ts', import.meta.url));
const keysText = `p1:${randomBytes(32).toString('hex')}`;
const keys = parseTrackingKeys(keysText);
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
let db: DbHandle;
let accountId: string;
let emailId: string;
const children: ChildProcess[] = [];

interface TrackerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output(): string;
}

async function startTracker(env: Record<string, string | undefined>): Promise<TrackerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, DATABASE_URL: stack.databaseUrl, TRACKER_HOST: '127.0.0.1', TRACKER_PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = env.TRACKING_KEYS === undefined ? '' : await waitFor(
    () => {
      const line = out.split('\n').find((l) => l.includes('"tracker_listening"'));
      return line ? (JSON.parse(line) as { url: string }).url : null;
    },
    { what: `the tracker process listening (output: ${out.slice(-500)})`, timeoutMs: 30_000 },
  );
  return { child, url, exited, output: () => out };
}

beforeAll(async () => {
  await migrate(stack.databaseUrl);
  db = createDb(stack.databaseUrl, { max: 2 });
  const account = await createAccount(db.db, uniqueName('tracker-process'));
  accountId = account.id;
  const s = scoped(db.db, accountId);
  const inbox = await s.inboxes.create({ kind: 'team', address: `team-${randomUUID().slice(0, 8)}@mail.test`, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'team', credentials: { password: 'x' } }, parseEncryptionKeys(stack.encryptionKeys));
  emailId = (await s.outgoingEmails.create({ inboxId: inbox.id, userId: null, sendId: `track-${randomUUID()}`, to: ['bob@example.test'], subject: 'Pricing', htmlBody: '<p>hi</p>' })).email.id;
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await db?.close();
});

const claims = (over: Partial<TrackingClaims> = {}): TrackingClaims => ({ kind: 'open', accountId, emailId, recipient: `bob+${randomUUID().slice(0, 6)}@example.test`, sentAt: new Date(Date.now() - 3600_000), ...over });
const rowsOf = (recipient: string) => db.db.select().from(trackingEvents).where(eq(trackingEvents.recipient, recipient));

describe('the tracker process', () => {
  it('answers a pixel and records the open; a changed link answers 404 and records nothing; the API is not there; SIGTERM writes what was answered', async () => {
    const tracker = await startTracker({ TRACKING_KEYS: keysText });
    const get = (path: string) => fetch(`${tracker.url}${path}`, { redirect: 'manual', headers: { 'user-agent': CHROME } });

    const opened = claims();
    const pixel = await get(`/t/o/${signTrackingToken(keys, opened)}.gif`);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect(pixel.headers.get('cache-control')).toContain('no-store');
    expect(Buffer.from(await pixel.arrayBuffer()).length).toBe(43);
    const [row] = await waitFor(async () => {
      const rows = await rowsOf(opened.recipient);
      return rows.length > 0 ? rows : null;
    }, { what: 'the open recorded by the tracker process', timeoutMs: 10_000 });
    expect(row).toMatchObject({ kind: 'open', eventClass: 'human', counted: true, hits: 1, userAgent: CHROME, accountId });

    const clicked = claims({ kind: 'click', target: 'https://example.com/pricing' });
    const good = signTrackingToken(keys, clicked);
    const tampered = Buffer.from(good, 'base64url');
    tampered[tampered.length - 17] = 'x'.charCodeAt(0);
    const bad = await get(`/t/c/${tampered.toString('base64url')}`);
    expect(bad.status).toBe(404);
    expect(bad.headers.get('location')).toBeNull();
    expect(((await bad.json()) as { code: string }).code).toBe('tracking_link_invalid');
    const redirect = await get(`/t/c/${good}`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://example.com/pricing');

    // Only the tracker's routes: no API, no console, no reference page.
    for (const path of ['/v1/inboxes', '/openapi.json', '/console/login']) expect((await get(path)).status, path).toBe(404);

    // Answered just before SIGTERM (inside the recorder's 250 ms): still written when the process stops.
    const last = claims();
    expect((await get(`/t/o/${signTrackingToken(keys, last)}.gif`)).status).toBe(200);
    tracker.child.kill('SIGTERM');
    expect(await tracker.exited).toBe(0);
    expect(await rowsOf(last.recipient)).toHaveLength(1);
    // One click row (the good link); nothing for the changed one (same recipient: it would be a second row).
    expect((await rowsOf(clicked.recipient)).map((r) => [r.kind, r.target])).toEqual([['click', 'https://example.com/pricing']]);
    expect(tracker.output()).not.toContain(good.slice(0, 40));
  });

  it('refuses to start without TRACKING_KEYS, saying what to set', async () => {
    const tracker = await startTracker({ TRACKING_KEYS: undefined });
    expect(await tracker.exited).toBe(1);
    expect(tracker.output()).toMatch(/TRACKING_KEYS: not set/);
  });
});
