// Inbound throughput (issue 14): the real inbound service (apps/inbound: SMTP receiver, spool in
// PostgreSQL, BullMQ, processing worker) as ONE child process; N BCC'd 20 KB messages, DKIM-signed by
// the sending domain (its key, SPF and DMARC served by the child's resolver), sent over C parallel SMTP
// connections (nodemailer pool) to a real account's bcc- address. Messages logged per second (the
// logged_emails commits, bench_commit_times) and end of DATA → timeline row p50/p99 (the spool row's
// received_at, taken right after the last DATA byte, → the logged email's commit; one clock, the
// database's). Floor: the same messages to a bare smtp-server that reads and discards them.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAccount, createDb, inboundAddressOf, scoped } from '@reply-sync/db';
import { createInboundQueue, createRedisConnection } from '@reply-sync/queue';
import { stack } from '@reply-sync/testkit';
import nodemailer from 'nodemailer';
import { mapLimit, sleep } from '../lib/concurrency';
import { ms, ratio, type BenchContext, type Scenario } from '../lib/context';
import { repoRoot, spawnTs } from '../lib/processes';
import { summarize } from '../lib/stats';
import { benchQueueName } from '../lib/worker-run';

const INBOUND_DOMAIN = 'log.bench.test';
const MESSAGE_BYTES = 20 * 1024;

interface Child {
  port: number;
  /** The process's CPU time so far (user + system, /proc/<pid>/stat), ms. */
  cpuMs(): Promise<number>;
  logFile: string;
  stop(): Promise<void>;
}

/** Spawns a TypeScript child that prints `{"msg": ready, "port": n}` once listening. */
async function startChild(ctx: BenchContext, script: string, name: string, ready: string, env: Record<string, string>): Promise<Child> {
  const logFile = join(ctx.logDir, `${name}.log`);
  const child = spawnTs(join(repoRoot, script), env, logFile);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s; see ${logFile}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} at start; see ${logFile}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes(ready));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
  });
  return {
    port,
    logFile,
    async cpuMs() {
      const fields = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks (USER_HZ 100)
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sends every raw message over `connections` pooled SMTP connections; ms from first to last 250. */
async function sendAll(port: number, raws: readonly Buffer[], envelope: { from: string; to: string[] }, connections: number): Promise<{ seconds: number; failed: number; firstError: string | null }> {
  const transport = nodemailer.createTransport({ pool: true, maxConnections: connections, maxMessages: Infinity, host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: 'client.bench.test' });
  let failed = 0;
  let firstError: string | null = null;
  const started = performance.now();
  try {
    await mapLimit(raws, connections * 2, async (raw) => {
      try {
        await transport.sendMail({ envelope, raw });
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    });
  } finally {
    transport.close();
  }
  return { seconds: (performance.now() - started) / 1000, failed, firstError };
}

export const inboundScenario: Scenario = {
  name: 'inbound',
  title: 'BCC messages (20 KB, DKIM-signed) through SMTP logged per second, end of DATA → timeline row',
  async run(ctx) {
    const total = ctx.options.quick ? 400 : 5_000;
    const connections = 8;
    const database = createDb(ctx.db.url, { max: 2 });
    const account = await createAccount(database.db, `bench-inbound-${ctx.runId}`);
    const s = scoped(database.db, account.id);
    const domain = 'ourco.bench.test';
    const sender = `ana@${domain}`;
    await s.users.add({ email: sender });
    const recipients = ['bob@client.bench.test', 'carol@client.bench.test'];
    for (const email of recipients) await s.contacts.add({ email });
    const bcc = inboundAddressOf('bcc', (await s.inbound.address('bcc')).token, INBOUND_DOMAIN);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dns = {
      [`s1._domainkey.${domain}`]: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
      [domain]: 'v=spf1 ip4:127.0.0.1 -all',
      [`_dmarc.${domain}`]: 'v=DMARC1; p=reject',
    };

    // The messages, composed and signed before timing (the client's CPU stays out of both figures).
    ctx.log(`inbound: composing ${total} DKIM-signed messages of ~${MESSAGE_BYTES / 1024} KB`);
    const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, dkim: { domainName: domain, keySelector: 's1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } });
    const raws: Buffer[] = [];
    for (let i = 0; i < total; i += 1) {
      const text = `Message ${i}.\n${randomBytes(MESSAGE_BYTES * 0.75).toString('base64').replace(/(.{76})/g, '$1\n')}`;
      const info = await composer.sendMail({ from: sender, to: recipients, subject: `bench inbound ${ctx.runId} #${i}`, text, messageId: `<inbound-${ctx.runId}-${i}@${domain}>` });
      raws.push(info.message as Buffer);
    }
    const bytes = raws.reduce((n, r) => n + r.length, 0) / raws.length;
    const envelope = { from: sender, to: [bcc] };

    // Floor: the bare SMTP library.
    const bare = await startChild(ctx, 'bench/lib/bare-smtp-child.ts', 'inbound-bare-smtp', 'bench bare smtp ready', {});
    let bareRun;
    try {
      await sendAll(bare.port, raws.slice(0, 20), envelope, connections); // warm-up
      bareRun = await sendAll(bare.port, raws, envelope, connections);
    } finally {
      await bare.stop();
    }
    const barePerSecond = (total - bareRun.failed) / bareRun.seconds;

    const queueName = benchQueueName(ctx, 'inbound');
    const service = await startChild(ctx, 'bench/lib/inbound-child.ts', 'inbound-service', 'bench inbound ready', {
      DATABASE_URL: ctx.db.url,
      REDIS_URL: stack.redisUrl,
      INBOUND_DOMAIN,
      INBOUND_SMTP_PORT: '0',
      REPLY_SYNC_INBOUND_QUEUE: queueName,
      LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'info',
      BENCH_DNS_RECORDS: JSON.stringify(dns),
    });
    try {
      const cpuBefore = await service.cpuMs();
      const startedAt = Date.now();
      const sent = await sendAll(service.port, raws, envelope, connections);
      const deadline = Date.now() + (ctx.options.quick ? 60_000 : 300_000);
      const count = async () => (await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM inbound_messages WHERE account_id = ${account.id} AND status = 'processed'`)[0]!.n;
      while ((await count()) < total - sent.failed && Date.now() < deadline) await sleep(250);
      const cpuUsed = (await service.cpuMs()) - cpuBefore;
      const rows = await ctx.db.sql<{ received: number; committed: number }[]>`
        SELECT (extract(epoch FROM m.received_at) * 1000)::float8 AS received,
               (extract(epoch FROM c.committed_at) * 1000)::float8 AS committed
        FROM inbound_messages m JOIN bench_commit_times c ON c.email_id = m.email_id
        WHERE m.account_id = ${account.id} AND m.reason_code = 'logged'`;
      const decisions = await ctx.db.sql<{ reason_code: string | null; n: number }[]>`
        SELECT reason_code, count(*)::int AS n FROM inbound_messages WHERE account_id = ${account.id} GROUP BY 1 ORDER BY 1 NULLS FIRST`;
      const lastCommit = Math.max(...rows.map((r) => r.committed));
      const perSecond = rows.length / ((lastCommit - startedAt) / 1000);
      const accepted = (total - sent.failed) / sent.seconds;
      const latency = summarize(rows.map((r) => r.committed - r.received));
      const cpuMsPerMessage = cpuUsed / Math.max(1, rows.length);
      ctx.row({ scenario: 'inbound', figure: `${total} BCC messages (${Math.round(bytes / 1024)} KB) over ${connections} connections: logged per second (first send → last commit)`, value: perSecond, unit: 'msg/s', floor: barePerSecond, compare: ratio(perSecond, barePerSecond), goal: '≥ 300/s', met: perSecond >= 300 });
      ctx.row({ scenario: 'inbound', figure: 'accepted (250) per second', value: accepted, unit: 'msg/s', floor: barePerSecond, compare: ratio(accepted, barePerSecond) });
      ctx.row({ scenario: 'inbound', figure: 'end of DATA → timeline row p50', value: ms(latency.p50), unit: 'ms' });
      ctx.row({ scenario: 'inbound', figure: 'end of DATA → timeline row p99', value: ms(latency.p99), unit: 'ms' });
      ctx.row({ scenario: 'inbound', figure: 'inbound process CPU time per message logged (user + system)', value: ms(cpuMsPerMessage), unit: 'ms' });
      ctx.row({ scenario: 'inbound', figure: 'messages logged', value: rows.length, unit: `of ${total}`, goal: `${total}`, met: rows.length === total });
      return { total, connections, meanBytes: Math.round(bytes), bare: { ...bareRun, perSecond: barePerSecond }, sent, perSecond, accepted, latency, cpuMsPerMessage, decisions, serviceLog: service.logFile };
    } finally {
      await service.stop();
      const connection = createRedisConnection(stack.redisUrl, { forWorker: false });
      const queue = createInboundQueue({ connection, name: queueName });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await connection.quit();
      await ctx.db.sql`DELETE FROM accounts WHERE id = ${account.id}`;
      await database.close();
    }
  },
};
