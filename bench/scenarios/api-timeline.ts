// 15. API timeline reads (issue 12): GET /v1/contacts/{id}/timeline (the first page: 50 threads, newest
// first) of a contact with a realistic timeline (200 emails in 60 threads of 1 to 10, some with
// attachments), from the API as a process of its own (apps/api/src/main.ts under tsx, Redis rate limits,
// info logs as in production), at 200 requests/s for 30 s from an open-loop generator (undici; latency
// from each request's scheduled time). Beside it, in the same run and the same way: a bare Fastify route
// answering the same JSON from memory (bench/lib/bare-json-server.ts), the floor of HTTP + serialising.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createDb, scoped } from '@reply-sync/db';
import { stack } from '@reply-sync/testkit';
import { ms, overhead, type BenchContext, type Scenario } from '../lib/context';
import { openLoop, type OpenLoopResult } from '../lib/open-loop';
import { summarize } from '../lib/stats';
import { freePort, repoRoot, spawnTs, until } from '../lib/processes';

const API_MAIN = join(repoRoot, 'apps/api/src/main.ts');
const BARE_MAIN = join(repoRoot, 'bench/lib/bare-json-server.ts');
const EMAILS = 200;
const THREAD_SIZES = [1, 2, 3, 1, 5, 2, 10, 1, 4, 6];

async function seedTimeline(ctx: BenchContext): Promise<{ contactId: string; apiKey: string; threads: number }> {
  const db = createDb(ctx.db.url, { max: 4 });
  try {
    const [account] = await ctx.db.sql<{ id: string }[]>`INSERT INTO accounts (name) VALUES (${`${ctx.runId}-api-timeline`}) RETURNING id`;
    const s = scoped(db.db, account!.id);
    const user = await s.users.add({ email: 'ana@sales.bench.test', name: 'Ana Sales' });
    const company = await s.companies.add({ name: 'Acme', domain: 'acme.bench.test' });
    const deal = await s.deals.add({ name: 'Acme renewal' });
    const contact = await s.contacts.add({ email: 'bob@acme.bench.test', name: 'Bob Buyer', companyIds: [company.id], dealIds: [deal.id] });
    let n = 0;
    let threads = 0;
    const base = Date.now() - 90 * 24 * 3600_000;
    while (n < EMAILS) {
      const size = Math.min(THREAD_SIZES[threads % THREAD_SIZES.length]!, EMAILS - n);
      const threadId = randomUUID();
      threads++;
      for (let i = 0; i < size; i++, n++) {
        const outbound = i % 2 === 0;
        const ana = { address: 'ana@sales.bench.test', name: 'Ana Sales' };
        const bob = { address: 'bob@acme.bench.test', name: 'Bob Buyer' };
        await s.emails.logOutbound({
          source: outbound ? 'crm_send' : 'log',
          direction: outbound ? 'outbound' : 'inbound',
          messageId: `<${randomUUID()}@bench.test>`,
          userId: user.id,
          from: outbound ? ana : bob,
          to: [outbound ? bob : ana],
          cc: i === 1 ? [{ address: 'carol@acme.bench.test', name: 'Carol' }] : [],
          subject: `${i === 0 ? '' : 'Re: '}Renewal ${threads}: pricing for the next year and the rollout plan`,
          sentAt: new Date(base + n * 3600_000),
          textBody: 'Hello Bob,\n\nFollowing up on our call. '.repeat(20),
          threadId,
          contactIds: [contact.id],
          attachments: n % 10 === 0 ? [{ filename: `proposal-${n}.pdf`, contentType: 'application/pdf', content: Buffer.alloc(2048, 1) }] : [],
        });
      }
    }
    const { key } = await s.apiKeys.create({ scopes: ['read'] });
    return { contactId: contact.id, apiKey: key, threads };
  } finally {
    await db.close();
  }
}

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux; clock ticks of 10 ms). On a machine
 * shared with other work, CPU per request is steadier than latency, which includes waiting for a core.
 */
function cpuMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
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

export const apiTimelineScenario: Scenario = {
  name: 'api-timeline',
  title: 'API: GET a contact timeline (200 emails) at 200 requests/s, open loop, beside a bare Fastify route with the same JSON',
  async run(ctx) {
    const rate = 200;
    const seconds = ctx.options.quick ? 10 : 30;
    const seeded = await seedTimeline(ctx);
    ctx.log(`api-timeline: a contact with ${EMAILS} emails in ${seeded.threads} threads`);
    const apiPort = await freePort();
    const barePort = await freePort();
    const api = await startServer(
      API_MAIN,
      { DATABASE_URL: ctx.db.url, REDIS_URL: stack.redisUrl, API_PORT: String(apiPort), API_HOST: '127.0.0.1', API_RATE_LIMIT: '1000000', LOG_LEVEL: 'info', REPLY_SYNC_SEND_QUEUE: `${ctx.runId}-api-timeline-sends` },
      join(ctx.logDir, 'api-timeline-api.log'),
      `http://127.0.0.1:${apiPort}/healthz`,
    );
    let bare: Awaited<ReturnType<typeof startServer>> | null = null;
    try {
      const path = `/v1/contacts/${seeded.contactId}/timeline`;
      const headers = { authorization: `Bearer ${seeded.apiKey}` };
      const first = await fetch(`http://127.0.0.1:${apiPort}${path}`, { headers });
      if (first.status !== 200) throw new Error(`the timeline answered ${first.status}: ${await first.text()}`);
      const body = await first.text();
      const page = JSON.parse(body) as { data: { emails: unknown[] }[] };
      const jsonFile = join(ctx.logDir, 'api-timeline-page.json');
      await writeFile(jsonFile, body);
      bare = await startServer(BARE_MAIN, { BARE_JSON_FILE: jsonFile, BARE_PORT: String(barePort) }, join(ctx.logDir, 'api-timeline-bare.log'), `http://127.0.0.1:${barePort}/healthz`);

      const cpuPerRequest = new Map<string, number | null>();
      const run = async (origin: string, p: string, h: Record<string, string>, pid: number | undefined): Promise<OpenLoopResult> => {
        await openLoop({ origin, path: p, headers: h, rate: 50, seconds: 3 }); // warm-up: JIT, pools, keep-alive sockets
        const cpu0 = cpuMsOf(pid);
        const result = await openLoop({ origin, path: p, headers: h, rate, seconds });
        const cpu1 = cpuMsOf(pid);
        cpuPerRequest.set(origin, cpu0 !== null && cpu1 !== null && result.sent > 0 ? (cpu1 - cpu0) / result.sent : null);
        return result;
      };
      /** One request at a time: the service time, without any queue (what the rate can be at most: 1000 / it per core). */
      const serial = async (url: string, h: Record<string, string>) => {
        const times: number[] = [];
        for (let i = 0; i < 100; i++) {
          const t = performance.now();
          await (await fetch(url, { headers: h })).arrayBuffer();
          times.push(performance.now() - t);
        }
        return summarize(times);
      };
      const baseline = await run(`http://127.0.0.1:${barePort}`, '/json', {}, bare.child.pid);
      const measured = await run(`http://127.0.0.1:${apiPort}`, path, headers, api.child.pid);
      const apiCpu = cpuPerRequest.get(`http://127.0.0.1:${apiPort}`) ?? null;
      const bareCpu = cpuPerRequest.get(`http://127.0.0.1:${barePort}`) ?? null;
      const bareSerial = await serial(`http://127.0.0.1:${barePort}/json`, {});
      const apiSerial = await serial(`http://127.0.0.1:${apiPort}${path}`, headers);
      const what = `${rate}/s × ${seconds} s, ${page.data.length} threads / ${page.data.reduce((n, t) => n + t.emails.length, 0)} emails, ${Math.round(body.length / 1024)} KiB`;
      ctx.row({ scenario: 'api-timeline', figure: `timeline p50 (${what})`, value: ms(measured.latency.p50), unit: 'ms', floor: ms(baseline.latency.p50), compare: overhead(measured.latency.p50, baseline.latency.p50) });
      ctx.row({ scenario: 'api-timeline', figure: 'timeline p99', value: ms(measured.latency.p99), unit: 'ms', floor: ms(baseline.latency.p99), compare: overhead(measured.latency.p99, baseline.latency.p99) });
      ctx.row({ scenario: 'api-timeline', figure: 'timeline errors (non-200, timeouts)', value: measured.errors, unit: `of ${measured.sent}`, floor: baseline.errors, goal: '0', met: measured.errors === 0 });
      ctx.row({ scenario: 'api-timeline', figure: 'requests started per second (schedule kept)', value: measured.achievedRate, unit: '/s', floor: baseline.achievedRate });
      if (apiCpu !== null && bareCpu !== null) {
        ctx.row({ scenario: 'api-timeline', figure: 'server CPU per request (user + system, during the open loop)', value: ms(apiCpu), unit: 'ms', floor: ms(bareCpu), compare: overhead(apiCpu, bareCpu) });
      }
      ctx.row({ scenario: 'api-timeline', figure: 'one request at a time: p50 (100 in a row)', value: ms(apiSerial.p50), unit: 'ms', floor: ms(bareSerial.p50), compare: overhead(apiSerial.p50, bareSerial.p50) });
      return { rate, seconds, threads: page.data.length, responseBytes: body.length, api: measured, bare: baseline, apiSerial, bareSerial, apiCpuMsPerRequest: apiCpu, bareCpuMsPerRequest: bareCpu };
    } finally {
      await bare?.stop();
      await api.stop();
    }
  },
};
