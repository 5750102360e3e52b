// 16. The tracker (issue 15): GET /t/o/<token>.gif (the open pixel) and GET /t/c/<token> (the click
// redirect) of the process an operator runs as the tracker (apps/api/src/tracker-main.ts, `reply-sync
// tracker`: the lean Fastify app with only these routes, TRACKING_KEYS set, the batch recorder writing to
// PostgreSQL), under autocannon (closed loop, a fixed number of connections) run as a separate process;
// beside them, in the same run, bare Fastify routes answering the same GIF and a 302
// (bench/lib/bare-tracker-server.ts), and, for comparison, the same pixel served by the full API process
// (apps/api/src/main.ts), which still serves these routes. The tokens are real: signed for outgoing emails
// that exist, many distinct ones, so the recorder does the work of real opens. At the end, the hits
// recorded in tracking_events must add up to the responses the tracker and the API gave. Each server and its
// bare baseline are measured in alternating slices (bare, tracker, tracker, bare, ...), so on a shared machine
// both see the same moments of load; CPU per request (from /proc) is the steadier figure.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Result as AutocannonResult } from 'autocannon';
import { createDb, scoped } from '@reply-sync/db';
import { parseTrackingKeys, signTrackingToken } from '@reply-sync/tracking';
import { stack } from '@reply-sync/testkit';
import { ms, ratio, type BenchContext, type Scenario } from '../lib/context';
import { freePort, repoRoot, spawnTs, until } from '../lib/processes';
import { waitForQuietMachine, type QuiesceResult } from '../lib/quiesce';

const API_MAIN = join(repoRoot, 'apps/api/src/main.ts');
const TRACKER_MAIN = join(repoRoot, 'apps/api/src/tracker-main.ts');
const BARE_MAIN = join(repoRoot, 'bench/lib/bare-tracker-server.ts');
const LOADGEN = join(repoRoot, 'bench/lib/autocannon-child.ts');
const EMAILS = 50;
const RECIPIENTS_PER_EMAIL = 4;
const CONNECTIONS = 20;

interface Seeded {
  accountId: string;
  openPaths: string[];
  clickPaths: string[];
  /** The same open claims signed with a key the API does not hold: verified (one HMAC), answered, not recorded. */
  foreignOpenPaths: string[];
}

async function seed(ctx: BenchContext, keysText: string): Promise<Seeded> {
  const keys = parseTrackingKeys(keysText);
  const foreign = parseTrackingKeys(`b1:${randomBytes(32).toString('hex')}`);
  const db = createDb(ctx.db.url, { max: 4 });
  try {
    const [account] = await ctx.db.sql<{ id: string }[]>`INSERT INTO accounts (name) VALUES (${`${ctx.runId}-tracker`}) RETURNING id`;
    const s = scoped(db.db, account!.id);
    const inbox = await s.inboxes.create({ kind: 'team', address: `team-${ctx.runId}@tracker.bench.test`, imapHost: '127.0.0.1', imapPort: 1, imapTls: 'starttls', username: 'team', credentials: { password: 'x' } }, ctx.keys);
    const sentAt = new Date(Date.now() - 3600_000); // an hour ago: no open falls in the "first seconds after delivery" window
    const openPaths: string[] = [];
    const clickPaths: string[] = [];
    const foreignOpenPaths: string[] = [];
    for (let e = 0; e < EMAILS; e++) {
      const to = Array.from({ length: RECIPIENTS_PER_EMAIL }, (_, r) => `buyer${e}-${r}@acme.bench.test`);
      const { email } = await s.outgoingEmails.create({ inboxId: inbox.id, userId: null, sendId: `bench-track-${randomUUID()}`, to, subject: `Pricing ${e}`, htmlBody: '<p>Hello</p>' });
      for (const recipient of to) {
        const base = { accountId: account!.id, emailId: email.id, recipient, sentAt };
        openPaths.push(`/t/o/${signTrackingToken(keys, { ...base, kind: 'open' })}.gif`);
        foreignOpenPaths.push(`/t/o/${signTrackingToken(foreign, { ...base, kind: 'open' })}.gif`);
        clickPaths.push(`/t/c/${signTrackingToken(keys, { ...base, kind: 'click', target: `https://example.com/pricing?e=${e}` })}`);
      }
    }
    return { accountId: account!.id, openPaths, clickPaths, foreignOpenPaths };
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

/** One autocannon run in its own process; resolves with its result. */
async function load(ctx: BenchContext, name: string, url: string, paths: string[], seconds: number): Promise<AutocannonResult> {
  const spec = join(ctx.logDir, `tracker-${name}.spec.json`);
  const out = join(ctx.logDir, `tracker-${name}.result.json`);
  await writeFile(spec, JSON.stringify({ url, paths, connections: CONNECTIONS, seconds }));
  const child = spawnTs(LOADGEN, { AUTOCANNON_SPEC: spec, AUTOCANNON_OUT: out }, join(ctx.logDir, 'tracker-autocannon.log'));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`autocannon (${name}) exited with ${code}; see ${join(ctx.logDir, 'tracker-autocannon.log')}`);
  return JSON.parse(await readFile(out, 'utf8')) as AutocannonResult;
}

/** CPU time (user + system, µs) a process has used, from /proc (clock ticks of 10 ms); null off Linux. */
function cpuUsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

interface Measured {
  rate: number;
  p50: number;
  p99: number;
  /** Answers with the expected status (200 for the pixel, 302 for the link). */
  good: number;
  bad: number;
  errors: number;
  /** The server process's CPU per answered request during the measured run (steadier than the rate on a shared machine). */
  cpuUsPerRequest: number | null;
  quiet: QuiesceResult;
}

/** Slices of one server's measurement as one figure: counts summed, the median slice's p50, the worst slice's p99. */
const summarizeRuns = (rs: AutocannonResult[], expect: 200 | 302, quiet: QuiesceResult, cpuUs: number | null): Measured => {
  const sum = (f: (r: AutocannonResult) => number) => rs.reduce((n, r) => n + f(r), 0);
  const good = sum((r) => (expect === 200 ? r['2xx'] : r['3xx']));
  const all = sum((r) => r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx']);
  const p50s = rs.map((r) => r.latency.p50).sort((a, b) => a - b);
  return {
    rate: Math.round(good / sum((r) => r.duration)),
    p50: p50s[Math.floor(p50s.length / 2)] ?? 0,
    p99: Math.max(...rs.map((r) => r.latency.p99)),
    good,
    bad: all - good,
    errors: sum((r) => r.errors + r.timeouts),
    cpuUsPerRequest: cpuUs !== null && good > 0 ? Math.round((cpuUs / good) * 10) / 10 : null,
    quiet,
  };
};

export const trackerScenario: Scenario = {
  name: 'tracker',
  title: 'Tracker: open pixel and click redirect of the tracker process under autocannon (own process), with events recorded, beside bare Fastify routes and the full API',
  async run(ctx) {
    // Alternating slices per server: quick 3 × 2 s, full 5 × 3 s.
    const slices = ctx.options.quick ? 3 : 5;
    const sliceSeconds = ctx.options.quick ? 2 : 3;
    const seconds = slices * sliceSeconds;
    const keysText = `b1:${randomBytes(32).toString('hex')}`;
    const seeded = await seed(ctx, keysText);
    ctx.log(`tracker: ${seeded.openPaths.length} open and ${seeded.clickPaths.length} click tokens of ${EMAILS} real outgoing emails`);
    const apiPort = await freePort();
    const trackerPort = await freePort();
    const barePort = await freePort();
    const servers: Awaited<ReturnType<typeof startServer>>[] = [];
    try {
      const tracker = await startServer(
        TRACKER_MAIN,
        { DATABASE_URL: ctx.db.url, TRACKER_PORT: String(trackerPort), TRACKER_HOST: '127.0.0.1', LOG_LEVEL: 'info', TRACKING_KEYS: keysText },
        join(ctx.logDir, 'tracker-tracker.log'),
        `http://127.0.0.1:${trackerPort}/healthz`,
      );
      servers.push(tracker);
      const api = await startServer(
        API_MAIN,
        { DATABASE_URL: ctx.db.url, REDIS_URL: stack.redisUrl, API_PORT: String(apiPort), API_HOST: '127.0.0.1', API_RATE_LIMIT: '1000000', LOG_LEVEL: 'info', TRACKING_KEYS: keysText, REPLY_SYNC_SEND_QUEUE: `${ctx.runId}-tracker-sends` },
        join(ctx.logDir, 'tracker-api.log'),
        `http://127.0.0.1:${apiPort}/healthz`,
      );
      servers.push(api);
      const bare = await startServer(BARE_MAIN, { BARE_PORT: String(barePort) }, join(ctx.logDir, 'tracker-bare.log'), `http://127.0.0.1:${barePort}/healthz`);
      servers.push(bare);
      const trackerUrl = `http://127.0.0.1:${trackerPort}`;
      const apiUrl = `http://127.0.0.1:${apiPort}`;
      const bareUrl = `http://127.0.0.1:${barePort}`;
      const pidOf: Record<string, number | undefined> = { [trackerUrl]: tracker.child.pid, [apiUrl]: api.child.pid, [bareUrl]: bare.child.pid };
      // Answered: the responses autocannon counted; sent also has the few in flight when each run stopped,
      // which the server may still have answered and recorded. The recorded hits must fall between the two.
      let answered = 0;
      let sent = 0;
      // On a shared machine the load changes from one second to the next, so the servers compared are measured
      // in alternating slices (A B, B A, ...) rather than one long run each: every server sees the same moments.
      const warmed = new Set<string>();
      const measureTogether = async (names: string[], urls: string[], paths: string[][], expect: 200 | 302, recorded: boolean[]): Promise<Measured[]> => {
        for (let i = 0; i < urls.length; i++) {
          const key = names[i]!.replace(/-\d+$/, '');
          if (warmed.has(key)) continue;
          const warm = await load(ctx, `${names[i]}-warm`, urls[i]!, paths[i]!, 2); // JIT, keep-alive sockets, the recorder's first batches
          warmed.add(key);
          if (urls[i] !== bareUrl && recorded[i]) {
            answered += expect === 200 ? warm['2xx'] : warm['3xx'];
            sent += warm.requests.sent;
          }
        }
        const quiet = await waitForQuietMachine({ maxBusy: 0.3, timeoutMs: 20_000 });
        const runs: AutocannonResult[][] = urls.map(() => []);
        const cpu: number[] = urls.map(() => 0);
        for (let slice = 0; slice < slices; slice++) {
          const order = urls.map((_, i) => i);
          if (slice % 2 === 1) order.reverse();
          for (const i of order) {
            const pid = pidOf[urls[i]!];
            const cpu0 = cpuUsOf(pid);
            const r = await load(ctx, `${names[i]}-${slice}`, urls[i]!, paths[i]!, sliceSeconds);
            const cpu1 = cpuUsOf(pid);
            cpu[i]! += cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : NaN;
            runs[i]!.push(r);
            if (urls[i] !== bareUrl && recorded[i]) {
              answered += expect === 200 ? r['2xx'] : r['3xx'];
              sent += r.requests.sent;
            }
          }
        }
        return runs.map((rs, i) => {
          const m = summarizeRuns(rs, expect, quiet, Number.isNaN(cpu[i]) ? null : cpu[i]!);
          ctx.log(`tracker: ${names[i]}: ${m.rate}/s, p50 ${m.p50} ms, p99 ${m.p99} ms, ${m.bad} unexpected statuses, ${m.errors} errors, ${m.cpuUsPerRequest ?? '?'} µs CPU per request (${slices} slices of ${sliceSeconds} s; machine ${Math.round(quiet.lastBusy * 100)}% busy before)`);
          return m;
        });
      };
      const [barePixel, pixel, unrecorded] = await measureTogether(['bare-pixel', 'pixel', 'pixel-unrecorded'], [bareUrl, trackerUrl, trackerUrl], [seeded.openPaths, seeded.openPaths, seeded.foreignOpenPaths], 200, [false, true, false]) as [Measured, Measured, Measured];
      const [bareClick, click] = await measureTogether(['bare-click', 'click'], [bareUrl, trackerUrl], [seeded.clickPaths, seeded.clickPaths], 302, [false, true]) as [Measured, Measured];
      // The full API process serving the same pixel (it keeps the routes): what the lean process saves.
      const [bareAgain, apiPixel] = await measureTogether(['bare-pixel-2', 'api-pixel'], [bareUrl, apiUrl], [seeded.openPaths, seeded.openPaths], 200, [false, true]) as [Measured, Measured];

      // Every answered open and click must land as hits in tracking_events (the recorders flush every 250 ms).
      const hitsOf = async () => Number((await ctx.db.sql<{ n: string }[]>`SELECT coalesce(sum(hits), 0) AS n FROM tracking_events WHERE account_id = ${seeded.accountId}`)[0]!.n);
      const startedWaiting = Date.now();
      let recorded = await hitsOf();
      while (recorded < answered && Date.now() - startedWaiting < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        recorded = await hitsOf();
      }
      const recordedAfterMs = Date.now() - startedWaiting;
      const rows = Number((await ctx.db.sql<{ n: string }[]>`SELECT count(*) AS n FROM tracking_events WHERE account_id = ${seeded.accountId}`)[0]!.n);

      const what = `${CONNECTIONS} connections, ${slices} × ${sliceSeconds} s alternating with bare, ${seeded.openPaths.length} tokens`;
      ctx.row({ scenario: 'tracker', figure: `pixel requests/s, tracker process (${what})`, value: pixel.rate, unit: '/s', floor: barePixel.rate, compare: ratio(pixel.rate, barePixel.rate), goal: '≥ 0.7× bare, ≥ 5,000/s', met: pixel.rate >= 5000 && pixel.rate >= 0.7 * barePixel.rate });
      ctx.row({ scenario: 'tracker', figure: 'pixel p50', value: pixel.p50, unit: 'ms', floor: barePixel.p50 });
      ctx.row({ scenario: 'tracker', figure: 'pixel p99', value: pixel.p99, unit: 'ms', floor: barePixel.p99, goal: '≤ 25 ms', met: pixel.p99 <= 25 });
      if (pixel.cpuUsPerRequest !== null && barePixel.cpuUsPerRequest !== null) {
        ctx.row({ scenario: 'tracker', figure: 'pixel: server CPU per request (user + system)', value: pixel.cpuUsPerRequest, unit: 'µs', floor: barePixel.cpuUsPerRequest, compare: ratio(pixel.cpuUsPerRequest, barePixel.cpuUsPerRequest) });
      }
      // On a loaded machine both rates are held down by the other processes, and their ratio says little: the
      // ratio of CPU per request is the rate ratio a run limited by the server itself would show.
      if (pixel.cpuUsPerRequest !== null && barePixel.cpuUsPerRequest !== null) {
        const r = barePixel.cpuUsPerRequest / pixel.cpuUsPerRequest;
        ctx.row({ scenario: 'tracker', figure: 'pixel: bare CPU per request ÷ tracker CPU per request (the rate ratio when the server is the limit)', value: Math.round(r * 100) / 100, unit: '×', goal: '≥ 0.7×', met: r >= 0.7 });
      }
      if (click.cpuUsPerRequest !== null && bareClick.cpuUsPerRequest !== null) {
        const r = bareClick.cpuUsPerRequest / click.cpuUsPerRequest;
        ctx.row({ scenario: 'tracker', figure: 'click: bare CPU per request ÷ tracker CPU per request', value: Math.round(r * 100) / 100, unit: '×', goal: '≥ 0.7×', met: r >= 0.7 });
      }
      ctx.row({ scenario: 'tracker', figure: 'pixel with tokens of a key we do not hold (verified, nothing recorded) requests/s', value: unrecorded.rate, unit: '/s', floor: barePixel.rate, compare: ratio(unrecorded.rate, barePixel.rate) });
      ctx.row({ scenario: 'tracker', figure: 'click (302) requests/s, tracker process', value: click.rate, unit: '/s', floor: bareClick.rate, compare: ratio(click.rate, bareClick.rate), goal: '≥ 0.7× bare', met: click.rate >= 0.7 * bareClick.rate });
      ctx.row({ scenario: 'tracker', figure: 'click p50', value: click.p50, unit: 'ms', floor: bareClick.p50 });
      ctx.row({ scenario: 'tracker', figure: 'click p99', value: click.p99, unit: 'ms', floor: bareClick.p99 });
      ctx.row({ scenario: 'tracker', figure: 'pixel requests/s, full API process (for comparison; against bare in its own slices)', value: apiPixel.rate, unit: '/s', floor: bareAgain.rate, compare: ratio(apiPixel.rate, bareAgain.rate) });
      if (apiPixel.cpuUsPerRequest !== null && bareAgain.cpuUsPerRequest !== null) {
        ctx.row({ scenario: 'tracker', figure: 'pixel: full API process CPU per request', value: apiPixel.cpuUsPerRequest, unit: 'µs', floor: bareAgain.cpuUsPerRequest, compare: ratio(apiPixel.cpuUsPerRequest, bareAgain.cpuUsPerRequest) });
      }
      const wrong = pixel.bad + pixel.errors + click.bad + click.errors + apiPixel.bad + apiPixel.errors;
      ctx.row({ scenario: 'tracker', figure: 'unexpected statuses + errors (pixel, click, API pixel)', value: wrong, unit: '', goal: '0', met: wrong === 0 });
      ctx.row({ scenario: 'tracker', figure: `hits recorded in tracking_events (${rows} rows; ${ms(recordedAfterMs / 1000)} s after the load)`, value: recorded, unit: `of ${answered} answered (${sent} sent)`, goal: 'all answered', met: recorded >= answered && recorded <= sent });
      return { connections: CONNECTIONS, slices, sliceSeconds, seconds, bareAgain, tokens: seeded.openPaths.length, pixel, barePixel, unrecorded, click, bareClick, apiPixel, answered, sent, recorded, rows, recordedAfterMs };
    } finally {
      for (const server of servers.reverse()) await server.stop();
    }
  },
};
