// 4. Catch-up: one inbox holding M messages (1% replies to logged threads) put there before the
// checkpoint (uidvalidity, last_uid 0), so the worker scans them all. Measured through a counting TCP
// proxy: messages scanned per second and bytes read per unmatched message, beside a bare imapflow
// header-only fetch (same header fields) and a full-source fetch of the same mailbox.
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { HEADER_FIELDS_FOR_SCAN } from '@reply-sync/threading';
import { stack, startCountingProxy, writeMaildirMessages, type CountingProxy } from '@reply-sync/testkit';
import { committedReplies } from '../lib/bench-db';
import { ratio, type BenchContext, type Scenario } from '../lib/context';
import { until } from '../lib/processes';
import { composeReply, createMailUsers, removeMailUsers, seedInboxes, type SeededInbox } from '../lib/seed';
import { benchQueueName, destroyQueue, openQueue, startWorker, addJobs } from '../lib/worker-run';

/** A newsletter-like message of ~`bodyBytes`, built as text (10,000 of them in well under a second). */
export function unrelatedMessage(to: string, n: number, bodyBytes = 8_000): Buffer {
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  const body = line.repeat(Math.ceil(bodyBytes / line.length));
  return Buffer.from(
    [
      `From: "Weekly digest" <news-${n % 50}@newsletter.test>`,
      `To: ${to}`,
      `Subject: Weekly digest #${n}`,
      `Date: ${new Date(Date.now() - 3_600_000).toUTCString()}`,
      `Message-ID: <digest-${n}-${process.pid}@newsletter.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 7bit',
      'List-Id: <weekly.newsletter.test>',
      '',
      body,
    ].join('\r\n'),
  );
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (10 ms resolution). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime (fields 14, 15) in clock ticks of 10 ms
}

/**
 * Bytes the server sent for one bare imapflow session through the proxy, and how long the fetch took;
 * `direct` skips the proxy (no bytes), so the client's CPU time is its own and not the proxy's too.
 */
async function bareFetch(proxy: CountingProxy, user: SeededInbox['mail'], query: 'headers' | 'source', direct = false) {
  const before = proxy.connections.length;
  const client = new ImapFlow({
    host: direct ? stack.profiles.standard.host : '127.0.0.1',
    port: direct ? stack.profiles.standard.imapPort : proxy.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: user.user, pass: user.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  await client.mailboxOpen('INBOX', { readOnly: true });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const rows = await client.fetchAll(
    '1:*',
    query === 'headers' ? { uid: true, internalDate: true, size: true, headers: HEADER_FIELDS_FOR_SCAN } : { uid: true, source: true },
    { uid: true },
  );
  const fetchMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await client.logout();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const bytes = proxy.connections.slice(before).reduce((sum, c) => sum + c.fromServer, 0);
  return { messages: rows.length, bytes, fetchMs, perMessage: bytes / rows.length, perSecond: rows.length / (fetchMs / 1000), cpuMs, cpuUsPerMessage: (cpuMs * 1000) / rows.length };
}

export const catchUpScenario: Scenario = {
  name: 'catch-up',
  title: 'catch-up scan of one large inbox: messages/s and bytes per unmatched message',
  async run(ctx) {
    const total = ctx.options.quick ? 500 : 10_000;
    const replyCount = Math.max(1, Math.round(total / 100));
    const prefix = `${ctx.runId}-catchup`;
    const mailUsers = await createMailUsers(prefix, 1);
    const proxy = await startCountingProxy({ host: stack.profiles.standard.host, port: stack.profiles.standard.imapPort });
    let accountId: string | undefined;
    try {
      // The rows first (threads to reply to), pointing at the proxy; checkpoint set once the mail is in.
      const seeded = await seedInboxes({
        sql: ctx.db.sql,
        keys: ctx.keys,
        prefix,
        count: 1,
        imapPort: proxy.port,
        mailUsers,
        connectedSince: new Date(Date.now() - 3_600_000),
        threadsPerInbox: replyCount,
      });
      accountId = seeded.accountId;
      const inbox = seeded.inboxes[0]!;
      const threads = seeded.threads.get(0)!;
      ctx.log(`catch-up: writing ${total} messages (${replyCount} replies) into the Maildir`);
      const every = Math.floor(total / replyCount);
      const messages: Buffer[] = [];
      let replyBytes = 0;
      const replyIds = new Set<string>();
      for (let i = 0; i < total; i += 1) {
        const r = i % every === every - 1 ? replyIds.size : -1;
        if (r >= 0 && r < replyCount) {
          const reply = await composeReply(inbox, `cu${i}`, { threadMessageId: threads[r]!, bodyBytes: 8_000 });
          replyIds.add(reply.messageIdNorm);
          replyBytes += reply.raw.length;
          messages.push(reply.raw);
        } else {
          messages.push(unrelatedMessage(inbox.mail.address, i));
        }
      }
      const writeStart = Date.now();
      const status = await writeMaildirMessages(inbox.mail, messages);
      ctx.log(`catch-up: Maildir written and indexed in ${Date.now() - writeStart} ms (${status.messages} messages, uidnext ${status.uidnext})`);
      if (status.messages !== total) throw new Error(`Dovecot indexed ${status.messages} of ${total} messages`);
      await ctx.db.sql`UPDATE inboxes SET uidvalidity = ${status.uidvalidity}, last_uid = 0 WHERE id = ${inbox.inboxId}`;

      const queueName = benchQueueName(ctx, 'catchup');
      const queue = openQueue(queueName);
      const worker = await startWorker(ctx, 'worker-catchup', queueName, 10);
      let workerPhase: Record<string, number>;
      try {
        const jobAt = Date.now();
        const workerCpuBefore = processCpuMs(worker.pid);
        await addJobs(queue, seeded.accountId, seeded.inboxes);
        const lastUid = status.uidnext - 1;
        const done = await until(
          `the checkpoint to reach uid ${lastUid}`,
          async () => {
            const [row] = await ctx.db.sql<{ last: number | null; at: number }[]>`
              SELECT last_uid::float8 AS last, (extract(epoch FROM updated_at) * 1000)::float8 AS at FROM inboxes WHERE id = ${inbox.inboxId}`;
            return row!;
          },
          (row) => (row.last ?? 0) >= lastUid,
          ctx.options.quick ? 120_000 : 600_000,
          50,
        );
        const workerCpuMs = processCpuMs(worker.pid) - workerCpuBefore;
        const firstConnection = proxy.connections[0];
        const sessionStart = firstConnection?.openedAt ?? jobAt;
        const scanMs = done.at - sessionStart;
        // Let the session settle into IDLE, then read what went over the wire.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const logged = (await committedReplies(ctx.db.sql, seeded.accountId)).filter((r) => replyIds.has(r.messageIdNorm)).length;
        const wireBytes = proxy.totalFromServer();
        const metrics = await worker.metrics();
        workerPhase = {
          scanMs,
          connectMsAfterJob: sessionStart - jobAt,
          perSecond: total / (scanMs / 1000),
          // The worker process's CPU time from the job to the last checkpoint (login and all).
          cpuMs: workerCpuMs,
          cpuUsPerMessage: (workerCpuMs * 1000) / total,
          logged,
          wireBytes,
          replyBytes,
          perUnmatched: (wireBytes - replyBytes) / (total - replyCount),
          metricHeaderBytes: metrics.value('reply_sync_fetched_bytes_total', { kind: 'headers' }),
          metricFullBytes: metrics.value('reply_sync_fetched_bytes_total', { kind: 'full' }),
          metricExamined: metrics.value('reply_sync_messages_examined_total'),
          // Where the scan time goes: the worker's own per-batch timing (fetch, look-ups, decide, log, checkpoint).
          metricBatches: metrics.value('reply_sync_catch_up_batch_seconds_count'),
          metricBatchSecondsSum: metrics.value('reply_sync_catch_up_batch_seconds_sum'),
          proxyConnections: proxy.connections.length,
        };
      } finally {
        await worker.stop();
        await destroyQueue(queue);
      }

      ctx.log('catch-up: bare header-only and full-source fetches of the same mailbox');
      const headersOnly = await bareFetch(proxy, inbox.mail, 'headers');
      const fullSource = await bareFetch(proxy, inbox.mail, 'source');
      const headersDirect = await bareFetch(proxy, inbox.mail, 'headers', true);

      ctx.row({ scenario: 'catch-up', figure: `${total} msgs: scanned per second`, value: workerPhase.perSecond!, unit: 'msg/s', floor: headersOnly.perSecond, compare: ratio(workerPhase.perSecond!, headersOnly.perSecond), goal: '≥ 10,000 msg/s', met: workerPhase.perSecond! >= 10_000 });
      // CPU per message holds up on a busy machine better than msg/s: both sides wait for the same cores.
      ctx.row({ scenario: 'catch-up', figure: 'CPU per message (worker: all of it)', value: workerPhase.cpuUsPerMessage!, unit: 'µs', floor: headersDirect.cpuUsPerMessage, compare: ratio(workerPhase.cpuUsPerMessage!, headersDirect.cpuUsPerMessage), goal: '≤ 1.11× bare (for 0.9×)', met: workerPhase.cpuUsPerMessage! <= headersDirect.cpuUsPerMessage / 0.9 });
      ctx.row({ scenario: 'catch-up', figure: `${total} msgs: replies logged`, value: workerPhase.logged!, unit: `of ${replyCount}`, goal: `${replyCount}`, met: workerPhase.logged === replyCount });
      ctx.row({ scenario: 'catch-up', figure: 'bytes read per unmatched message', value: workerPhase.perUnmatched!, unit: 'B', floor: headersOnly.perMessage, compare: ratio(workerPhase.perUnmatched!, headersOnly.perMessage), goal: '≤ 1.2× header-only', met: workerPhase.perUnmatched! <= 1.2 * headersOnly.perMessage });
      ctx.row({ scenario: 'catch-up', figure: 'bare full-source fetch per message', value: fullSource.perMessage, unit: 'B', floor: headersOnly.perMessage, compare: ratio(fullSource.perMessage, headersOnly.perMessage) });
      return {
        total,
        replyCount,
        worker: workerPhase,
        bareHeadersOnly: headersOnly,
        bareFullSource: fullSource,
        bareHeadersDirect: headersDirect,
        note: 'bytes = server→client bytes counted by a TCP proxy in front of Dovecot (whole session: greeting, login, EXAMINE, FETCH, IDLE); per unmatched = (wire bytes − raw size of the reply messages fetched in full) / unmatched messages; scan time = first proxy connection → last checkpoint transaction start (inboxes.updated_at)',
      };
    } finally {
      await proxy.close();
      await removeMailUsers(mailUsers.users);
      if (accountId) await ctx.db.sql`DELETE FROM accounts WHERE id = ${accountId}`;
    }
  },
};
