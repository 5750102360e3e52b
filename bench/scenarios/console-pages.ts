// 17. Console pages (issue 13): the server time of the support console's inboxes page with 2,000 inboxes
// and of a contact's timeline page with 1,000 emails, from the API as its own process (apps/api/src/main.ts
// under tsx, info logs), signed in through the real login form (CSRF cookie, password, session cookie);
// 200 requests one at a time to each after 20 untimed ones (p50/p99 of request sent → last byte on
// loopback). Beside them, the same way: a bare Fastify route answering the same HTML from memory
// (bench/lib/bare-html-server.ts), the floor of HTTP for a page that size.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createDb, scoped, type Scoped } from '@reply-sync/db';
import { stack } from '@reply-sync/testkit';
import { ms, overhead, type BenchContext, type Scenario } from '../lib/context';
import { freePort, repoRoot, spawnTs, until } from '../lib/processes';
import { waitForQuietMachine } from '../lib/quiesce';
import { summarize, type LatencySummary } from '../lib/stats';

const API_MAIN = join(repoRoot, 'apps/api/src/main.ts');
const BARE_MAIN = join(repoRoot, 'bench/lib/bare-html-server.ts');
const PASSWORD = 'a long bench console password';

/** `count` calls of `fn`, `width` at a time. */
async function inParallel(count: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await fn(next++);
  }));
}

async function seed(ctx: BenchContext, inboxes: number, emails: number): Promise<{ adminEmail: string; contactEmail: string }> {
  const db = createDb(ctx.db.url, { max: 4 });
  try {
    const [account] = await ctx.db.sql<{ id: string }[]>`INSERT INTO accounts (name) VALUES (${`${ctx.runId}-console`}) RETURNING id`;
    const s: Scoped = scoped(db.db, account!.id);
    const adminEmail = `admin@console.bench.test`;
    await s.consoleUsers.create({ email: adminEmail, password: PASSWORD, role: 'admin' });
    const user = await s.users.add({ email: 'ana@sales.bench.test', name: 'Ana Sales' });
    await inParallel(inboxes, 4, (i) =>
      s.inboxes.create({ kind: 'team', address: `team${i}@console.bench.test`, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: `team${i}`, credentials: { password: 'x' } }, ctx.keys),
    );
    const contact = await s.contacts.add({ email: 'bob@acme.bench.test', name: 'Bob Buyer' });
    const base = Date.now() - 400 * 24 * 3600_000;
    const threads = Array.from({ length: Math.ceil(emails / 5) }, () => randomUUID());
    await inParallel(emails, 4, (n) => {
      const outbound = n % 2 === 0;
      const ana = { address: 'ana@sales.bench.test', name: 'Ana Sales' };
      const bob = { address: 'bob@acme.bench.test', name: 'Bob Buyer' };
      return s.emails.logOutbound({
        source: outbound ? 'crm_send' : 'log',
        direction: outbound ? 'outbound' : 'inbound',
        messageId: `<${randomUUID()}@bench.test>`,
        userId: user.id,
        from: outbound ? ana : bob,
        to: [outbound ? bob : ana],
        cc: [],
        subject: `Re: Renewal ${Math.floor(n / 5)}: pricing for the next year`,
        sentAt: new Date(base + n * 3600_000),
        textBody: 'Hello Bob,\n\nFollowing up on our call. '.repeat(10),
        threadId: threads[Math.floor(n / 5)]!,
        contactIds: [contact.id],
        attachments: n % 20 === 0 ? [{ filename: `proposal-${n}.pdf`, contentType: 'application/pdf', content: Buffer.alloc(1024, 1) }] : [],
      });
    });
    return { adminEmail, contactEmail: 'bob@acme.bench.test' };
  } finally {
    await db.close();
  }
}

async function startServer(script: string, env: Record<string, string>, log: string, healthUrl: string): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const child = spawnTs(script, env, log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await until(`${script} answering`, async () => (await fetch(healthUrl)).status, (s) => s === 200, 60_000, 250);
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const cookieValue = (res: Response, name: string): string => {
  const found = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie in the answer (${res.status})`);
  return found.split(';')[0]!.slice(name.length + 1);
};

/** Signs in through the login form, as a browser does: returns the session cookie header. */
async function signIn(origin: string, email: string): Promise<string> {
  const page = await fetch(`${origin}/console/login`);
  const csrf = cookieValue(page, 'rs_console_login');
  const res = await fetch(`${origin}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_console_login=${csrf}` },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString(),
  });
  if (res.status !== 303) throw new Error(`console sign-in answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return `rs_console=${cookieValue(res, 'rs_console')}`;
}

/** `count` requests one at a time after `warm` untimed ones; each must answer 200. */
async function serial(url: string, headers: Record<string, string>, count: number, warm: number): Promise<{ latency: LatencySummary; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < warm + count; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    if (i >= warm) times.push(performance.now() - t);
    bytes = body.byteLength;
  }
  return { latency: summarize(times), bytes };
}

export const consolePagesScenario: Scenario = {
  name: 'console-pages',
  title: 'Console: the inboxes page with 2,000 inboxes and a timeline page with 1,000 emails, one request at a time, beside a bare Fastify HTML page',
  async run(ctx) {
    const inboxes = ctx.options.quick ? 200 : 2000;
    const emails = ctx.options.quick ? 100 : 1000;
    const count = ctx.options.quick ? 50 : 200;
    const seeded = await seed(ctx, inboxes, emails);
    ctx.log(`console-pages: ${inboxes} inboxes, a contact with ${emails} emails`);
    const apiPort = await freePort();
    const barePort = await freePort();
    const origin = `http://127.0.0.1:${apiPort}`;
    const api = await startServer(
      API_MAIN,
      { DATABASE_URL: ctx.db.url, REDIS_URL: stack.redisUrl, API_PORT: String(apiPort), API_HOST: '127.0.0.1', LOG_LEVEL: 'info', REPLY_SYNC_SEND_QUEUE: `${ctx.runId}-console-sends` },
      join(ctx.logDir, 'console-pages-api.log'),
      `${origin}/healthz`,
    );
    const bares: Awaited<ReturnType<typeof startServer>>[] = [];
    try {
      const cookie = await signIn(origin, seeded.adminEmail);
      const headers = { cookie };
      const pages = [
        { name: 'inboxes', what: `${inboxes} inboxes`, path: '/console/inboxes' },
        { name: 'timeline', what: `${emails} emails`, path: `/console/timeline?contact=${encodeURIComponent(seeded.contactEmail)}` },
      ];
      const results: Record<string, unknown> = {};
      for (const page of pages) {
        const first = await fetch(`${origin}${page.path}`, { headers });
        const html = await first.text();
        if (first.status !== 200) throw new Error(`${page.path} answered ${first.status}: ${html.slice(0, 300)}`);
        // The page really holds the data: every inbox's address, or every thread's subject, is on it.
        const shown = new Set(html.match(page.name === 'inboxes' ? /team\d+@console\.bench\.test/g : /Renewal \d+: pricing/g) ?? []).size;
        const expected = page.name === 'inboxes' ? inboxes : Math.ceil(emails / 5);
        if (shown !== expected) throw new Error(`${page.path} shows ${shown} distinct ${page.name === 'inboxes' ? 'inboxes' : 'threads'}, not ${expected}`);
        const htmlFile = join(ctx.logDir, `console-pages-${page.name}.html`);
        await writeFile(htmlFile, html);
        const port = page.name === 'inboxes' ? barePort : await freePort();
        const bare = await startServer(BARE_MAIN, { BARE_HTML_FILE: htmlFile, BARE_PORT: String(port) }, join(ctx.logDir, `console-pages-bare-${page.name}.log`), `http://127.0.0.1:${port}/healthz`);
        bares.push(bare);
        const quiet = await waitForQuietMachine({ maxBusy: 0.3, timeoutMs: 20_000 });
        const baseline = await serial(`http://127.0.0.1:${port}/html`, {}, count, 20);
        const measured = await serial(`${origin}${page.path}`, headers, count, 20);
        const label = `${page.name} page (${page.what}, ${Math.round(measured.bytes / 1024)} KiB; all ${shown} ${page.name === 'inboxes' ? 'inboxes' : 'threads'} on it) p50, ${count} one at a time`;
        ctx.row({ scenario: 'console-pages', figure: label, value: ms(measured.latency.p50), unit: 'ms', floor: ms(baseline.latency.p50), compare: overhead(measured.latency.p50, baseline.latency.p50), goal: '≤ 100 ms', met: measured.latency.p50 <= 100 });
        ctx.row({ scenario: 'console-pages', figure: `${page.name} page p99`, value: ms(measured.latency.p99), unit: 'ms', floor: ms(baseline.latency.p99), compare: overhead(measured.latency.p99, baseline.latency.p99) });
        results[page.name] = { ...page, shown, bytes: measured.bytes, latency: measured.latency, bare: baseline.latency, quiet };
      }
      return { inboxes, emails, count, ...results };
    } finally {
      for (const bare of bares) await bare.stop();
      await api.stop();
    }
  },
};
