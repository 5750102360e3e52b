// `reply-sync demo`: the whole service end to end on the local stack. Starts the stack, seeds an
// account, connects a fresh Dovecot inbox through the same code as `inbox connect`, sends an outgoing
// email through the send queue (SMTP via the stack's Postfix), runs the scheduler and a worker in this process, delivers three replies and shows what
// became of each. Every run makes its own account, mailbox user and queue, so runs never collide.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAccount, createDb, migrate, parseEncryptionKeys, scoped, type CreateOutgoingEmailInput, type DecisionRow, type Scoped } from '@reply-sync/db';
import { createRedisConnection, createSendEvents, createSendQueue, deleteFleet, enqueueSend, waitForSend, type SendJobResult } from '@reply-sync/queue';
import { parseApiEnv, runApi, type RunningApi } from '@reply-sync/api';
import { parseSchedulerEnv, runScheduler } from '@reply-sync/scheduler';
import { createLogger, parseWorkerEnv, startWorker } from '@reply-sync/sync-worker';
import { reasonSentence } from '@reply-sync/threading';
import { pino } from 'pino';
import { formatDecision, formatExplanation, formatTimeline } from '../commands/timeline';
import { formatDate } from '../format';
import { addUser } from '@reply-sync/operations/accounts';
import { addContact } from '@reply-sync/operations/contacts';
import { connectInbox } from '@reply-sync/operations/inboxes';
import { lookForMessage, type LookResult } from '@reply-sync/operations/look-for-message';
import { explain, explainInbound, timelineFor, type Explanation, type Timeline } from '@reply-sync/operations/timeline';
import { DEMO_DATABASE, ensureDemoDatabase, withoutPassword } from './demo-database';
import { formatWebhooks, startDemoWebhooks, type DemoWebhookEvent } from './demo-webhooks';
import { sendWithBcc, startDemoInbound } from './demo-bcc';
import { BCC_NOTE, DEMO_CONTACT, DEMO_OTHER_CONTACT, DEMO_SUBFOLDER, demoAlias, PROPOSAL, replyEmail } from './demo-mail';

const STACK_SCRIPT = fileURLToPath(new URL('../../../../scripts/stack.sh', import.meta.url));

export interface DemoOptions {
  /** Exit after printing (true), or keep running and print new decisions until `signal` aborts. */
  once: boolean;
  print: (text: string) => void;
  /** Runs `scripts/stack.sh start` first (default true; idempotent when the stack is up). */
  startStack?: boolean;
  /** How long to wait for the worker's first session and for the replies' decisions. Default 60 s. */
  timeoutMs?: number;
  /** Log level of the scheduler and worker, whose pino lines go to a file the demo names. Default 'info'. */
  logLevel?: string;
  /** Ends the watch phase (Ctrl-C). */
  signal?: AbortSignal;
}

export type DemoReplyKind = 'logged' | 'alias' | 'subfolder';

export interface DemoReply {
  kind: DemoReplyKind;
  messageId: string;
  /** Reason codes of the decisions recorded for it (empty when none was recorded). */
  reasons: string[];
  onTimeline: boolean;
}

export interface DemoResult {
  accountId: string;
  inboxId: string;
  inboxAddress: string;
  contactEmail: string;
  outgoingMessageId: string;
  replies: Record<DemoReplyKind, DemoReply>;
  timeline: Timeline;
  /** The HTTP API the demo serves, a key of the demo account, and how many inboxes GET /v1/inboxes listed with it. */
  api: { url: string; key: string; inboxesListed: number };
  /** The support console of the demo account, and the admin who signs in to it. */
  console: { url: string; email: string; password: string };
  /** What the demo's webhook receiver got, in arrival order. */
  webhooks: DemoWebhookEvent[];
  /**
   * The email Ana sent from her own mail client (Postfix submission) with the account's BCC address in
   * Bcc, relayed by Postfix to apps/inbound; null when the inbound port was taken (another demo running).
   */
  bcc: { address: string; messageId: string; reasons: string[]; onTimeline: boolean } | null;
}

function startLocalStack(print: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [STACK_SCRIPT, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      // The first run installs Debian packages, which takes a while: show progress lines as they come.
      for (const line of d.toString().split('\n')) if (line.startsWith('stack:')) print(`   ${line}`);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`scripts/stack.sh start failed (exit ${code}):\n${output.trim().split('\n').slice(-15).join('\n')}`)),
    );
  });
}

/** Saves the email, enqueues its send (ids only) and waits for the worker's outcome. */
async function sendThroughQueue(s: Scoped, redisUrl: string, name: string, timeoutMs: number, input: CreateOutgoingEmailInput): Promise<SendJobResult> {
  const { email } = await s.outgoingEmails.create(input);
  const queue = createSendQueue({ redisUrl, name });
  const events = await createSendEvents({ redisUrl, name });
  try {
    const job = await enqueueSend(queue, { accountId: s.accountId, inboxId: email.inboxId, outgoingEmailId: email.id, sendId: email.sendId });
    return await waitForSend(job, events, timeoutMs);
  } finally {
    await events.close();
    await queue.close();
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const say = options.print;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const logLevel = options.logLevel ?? 'info';

  say('1. Starting the local stack (PostgreSQL, Redis, Dovecot) ...');
  if (options.startStack ?? true) await startLocalStack(say);
  // Imported only now: the testkit reads .stack/env, which the first start writes.
  const tk = await import('@reply-sync/testkit');
  const { stack } = tk;
  const keys = parseEncryptionKeys(stack.encryptionKeys);

  const databaseUrl = await ensureDemoDatabase(stack.databaseUrl);
  say(`2. Applying database migrations to the demo's own database (${withoutPassword(databaseUrl)}) ...`);
  await migrate(databaseUrl);
  const db = createDb(databaseUrl, { max: 4 });
  const cleanups: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    const stamp = tk.uniqueName('demo');
    const account = await createAccount(db.db, `Demo ${stamp}`);
    const s = scoped(db.db, account.id);

    const [mailUser, bobMailbox] = await Promise.all([
      tk.createMailUser({ profile: 'standard', localPart: tk.uniqueName('ana') }),
      tk.createMailUser({ profile: 'standard', localPart: tk.uniqueName('bob') }),
    ]);
    const bobEmail = bobMailbox.address;
    const bobAlias = demoAlias(bobEmail);
    cleanups.push(() => Promise.all([tk.removeMailUser(mailUser), tk.removeMailUser(bobMailbox)]));
    const user = await addUser(s, { email: mailUser.address, name: 'Ana Seller' });
    const webhooks = await startDemoWebhooks(s, keys);
    cleanups.unshift(() => webhooks.close());
    say(`3. Account ${account.id}; user Ana Seller <${user.email}> with a fresh Dovecot mailbox (and one for the contact, Bob); a webhook subscription to every event, received at ${webhooks.url}.`);

    const profile = stack.profiles.standard;
    const smtp = { host: stack.smtp.host, port: stack.smtp.submissionPort, tls: 'starttls' as const };
    const connected = await connectInbox(
      s,
      {
        userEmail: user.email,
        address: mailUser.address,
        imap: { host: profile.host, port: profile.imapPort, tls: 'starttls' },
        smtp,
        username: mailUser.user,
        password: mailUser.password,
      },
      { keys, tlsCa: stack.caCert },
    );
    const inboxId = connected.inbox.id;
    say(
      `4. Inbox connected the way \`inbox connect\` does it: logged in to ${profile.host}:${profile.imapPort} (STARTTLS), ` +
        `sending through ${smtp.host}:${smtp.port} (Postfix submission), password stored encrypted.`,
    );

    const bob = await addContact(s, { email: bobEmail, name: DEMO_CONTACT.name, company: DEMO_CONTACT.company, deals: [DEMO_CONTACT.deal], ownerEmail: user.email });
    await addContact(s, { ...DEMO_OTHER_CONTACT, ownerEmail: user.email });
    say(`5. Contacts: ${DEMO_CONTACT.name} <${bobEmail}> at ${DEMO_CONTACT.company} (deal "${DEMO_CONTACT.deal}"), and ${DEMO_OTHER_CONTACT.name}.`);

    const workDir = await mkdtemp(join(tmpdir(), 'reply-sync-demo-'));
    const queueName = tk.uniqueName('demo-queue');
    const sendQueueName = tk.uniqueName('demo-sends');
    const appEnv = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: stack.redisUrl,
      REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
      REPLY_SYNC_QUEUE: queueName,
      REPLY_SYNC_SEND_QUEUE: sendQueueName,
      REPLY_SYNC_WEBHOOK_QUEUE: tk.uniqueName('demo-webhooks'),
      REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
      RECONCILE_INTERVAL_MS: '2000',
      LOG_LEVEL: logLevel,
    };
    const logPath = join(workDir, 'service.log');
    const logFile = createWriteStream(logPath, { flags: 'a' });
    cleanups.push(() => new Promise((resolve) => logFile.end(resolve)));
    const scheduler = await runScheduler(parseSchedulerEnv(appEnv), {
      handleSignals: false,
      logger: pino({ level: logLevel, base: { app: 'scheduler' } }, logFile),
    });
    cleanups.unshift(() => scheduler.stop());
    const worker = await startWorker({ env: parseWorkerEnv(appEnv), logger: createLogger({ level: logLevel, destination: logFile }), metricsPort: false });
    cleanups.unshift(async () => {
      await worker.close();
      const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
      await deleteFleet(redis, queueName).finally(() => redis.disconnect());
      const sends = createSendQueue({ redisUrl: stack.redisUrl, name: sendQueueName });
      await sends.obliterate({ force: true }).finally(() => sends.close());
    });
    const apiKey = await s.apiKeys.create({ scopes: ['read', 'write'], name: 'demo' });
    const api = await startDemoApi({ ...appEnv, API_PORT: process.env.API_PORT ?? '8787' }, logFile);
    cleanups.unshift(() => api.stop());
    const listed = (await (await fetch(`${api.url}/v1/inboxes`, { headers: { authorization: `Bearer ${apiKey.key}` } })).json()) as { data: unknown[] };
    say(`   HTTP API on ${api.url} (reference page ${api.url}/docs); demo key (read, write): ${apiKey.key}`);
    say(`   curl -H 'Authorization: Bearer ${apiKey.key}' ${api.url}/v1/inboxes   (lists ${listed.data.length} inbox)`);
    // A demo login, printed on purpose: the demo's account lives only on this machine's loopback stack.
    const consoleLogin = { email: `admin-${stamp}@demo.example`.toLowerCase(), password: randomBytes(12).toString('base64url') };
    await s.consoleUsers.create({ ...consoleLogin, role: 'admin' });
    say(`   Support console: ${api.url}/console  (sign in as ${consoleLogin.email} with the password ${consoleLogin.password}; admin)`);
    await webhooks.startWorker(appEnv, logFile, logLevel);
    say(`6. Scheduler, sync worker and webhook worker running in this process on fleet ${queueName} and send queue ${sendQueueName} (their logs: ${logPath}); waiting for the worker's first IMAP session ...`);
    // The first session sets the checkpoint at UIDNEXT (history is never imported): deliver only after it.
    await tk.waitFor(async () => (await s.inboxes.get(inboxId))?.uidvalidity != null, { what: "the worker's first session on the demo inbox", timeoutMs });

    // The outgoing email goes through the send queue, as `email send --wait` does: the worker sends it
    // over SMTP, logs it with its associations and files the copy in Ana's Sent folder.
    const sent = await sendThroughQueue(s, stack.redisUrl, sendQueueName, timeoutMs, {
      inboxId,
      userId: user.id,
      sendId: `demo-${stamp}`.replace(/[^A-Za-z0-9._-]/g, '-'),
      // A bare address: a `Name <address>` recipient leaves the send job hanging in the worker today.
      to: [bobEmail],
      subject: PROPOSAL.subject,
      textBody: PROPOSAL.text,
      contactIds: [bob.contact.id],
      companyIds: bob.company ? [bob.company.id] : [],
      dealIds: bob.deals.map((d) => d.id),
    });
    const proposal = { messageId: sent.messageId };
    await tk.waitFor(async () => (await tk.inboxMessageIds(bobMailbox)).includes(sent.messageId), { what: "the proposal in Bob's INBOX", timeoutMs });
    say(
      `7. Sent the outgoing email ${sent.messageId} "${PROPOSAL.subject}" through the send queue (as \`email send --wait\`): ` +
        `delivered to Bob's INBOX by Postfix, Sent copy ${sent.sentCopyStatus}, associated with ${bobEmail}, ${DEMO_CONTACT.company}, "${DEMO_CONTACT.deal}".`,
    );

    // Logging by BCC: Ana writes from her own mail client, with the account's BCC address in Bcc.
    const inbound = await startDemoInbound(s, appEnv, stack, tk.uniqueName('demo-inbound'), logFile, logLevel);
    let bccSent: { address: string; messageId: string } | null = null;
    if (inbound) {
      cleanups.unshift(() => inbound.running.close());
      const messageId = `<${tk.uniqueName('demo-bcc')}@${stack.profiles.standard.domain}>`;
      await sendWithBcc(
        { host: stack.smtp.host, port: stack.smtp.submissionPort, ca: stack.caCert },
        { user: mailUser.user, password: mailUser.password },
        { from: `Ana Seller <${mailUser.address}>`, to: bobEmail, bcc: inbound.bccAddress, subject: BCC_NOTE.subject, text: BCC_NOTE.text, messageId },
      );
      await tk.waitFor(async () => (await explainInbound(s, messageId)).some((d) => d.reasonCode !== 'spooled'), { what: 'the BCC copy decided by apps/inbound', timeoutMs });
      bccSent = { address: inbound.bccAddress, messageId };
      say(
        `7b. Sent "${BCC_NOTE.subject}" from Ana's own mail client (Postfix submission) to Bob with ${inbound.bccAddress} in Bcc: ` +
          `Postfix relayed the Bcc copy to apps/inbound on ${stack.smtp.host}:${inbound.running.port}, which checked the sender and logged it.`,
      );
    } else {
      say(`7b. Skipped logging by BCC: port ${stack.inbound.smtpPort}, where Postfix relays ${stack.inbound.domain}, is taken (another demo running?).`);
    }

    const to = `Ana Seller <${mailUser.address}>`;
    const inSubfolder = await replyEmail(stamp, 3, to, proposal.messageId, bobEmail, 'Filing this one away for later.');
    await tk.createMailbox(mailUser, DEMO_SUBFOLDER);
    await tk.appendTo(mailUser, DEMO_SUBFOLDER, inSubfolder.raw);
    const fromAlias = await replyEmail(stamp, 2, to, proposal.messageId, bobAlias, 'Writing from my deals address: can we get a discount?');
    await tk.deliver(mailUser, fromAlias.raw);
    // Delivered last: once it has a decision, the worker has examined the INBOX messages before it.
    const genuine = await replyEmail(stamp, 1, to, proposal.messageId, bobEmail, 'Looks good, signed order form attached.', {
      filename: 'order-form.csv',
      contentType: 'text/csv',
      content: 'product,seats,price\nreply-sync,200,12000\n',
    });
    await tk.deliver(mailUser, genuine.raw);
    say(`8. Delivered three replies: one from Bob (with an attachment) and one from ${bobAlias} into the INBOX by LMTP, one filed in the folder "${DEMO_SUBFOLDER}"; waiting for decisions ...`);

    const decided = async (id: string) => (await s.decisions.forMessageId(id)).length > 0;
    await tk.waitFor(async () => (await decided(genuine.messageId)) && (await decided(fromAlias.messageId)), {
      what: 'decisions for the two replies in the INBOX',
      timeoutMs,
    });
    // The worker reads only the INBOX, so it never examines the filed reply: `explain` looks for it in
    // the inbox's folders and records the decision the worker would have made (not_in_inbox).
    const looked = await lookForMessage(s, inSubfolder.messageId, { inboxId }, () => ({ keys, tlsCa: stack.caCert }));

    const timeline = await timelineFor(s, { contact: bobEmail });
    const onTimeline = (id: string) => timeline.entries.some((e) => e.messageId === id);
    const bccExplained = bccSent ? await explain(s, bccSent.messageId) : null;
    const explanations: Record<DemoReplyKind, Explanation<LookResult>> = {
      logged: await explain(s, genuine.messageId),
      alias: await explain(s, fromAlias.messageId),
      subfolder: { ...(await explain(s, inSubfolder.messageId)), looked },
    };

    say('');
    say(formatTimeline(timeline));
    say('');
    say('What happened to each reply:');
    const titles: Record<DemoReplyKind, string> = {
      logged: `Reply 1, from ${bobEmail} into the INBOX, with order-form.csv:`,
      alias: `Reply 2, from ${bobAlias} (another address of Bob's, not a contact):`,
      subfolder: `Reply 3, from ${bobEmail}, filed in the folder "${DEMO_SUBFOLDER}":`,
    };
    for (const kind of ['logged', 'alias', 'subfolder'] as const) {
      const e = explanations[kind];
      say('');
      say(titles[kind]);
      say(formatExplanation(e));
      if (kind === 'subfolder') say(`  (The sync worker opens only the INBOX; this decision was recorded by \`reply-sync explain\`, which looked in the folders.)`);
    }
    if (bccSent && bccExplained) {
      say('');
      say(`The email Ana sent with ${bccSent.address} in Bcc:`);
      say(formatExplanation(bccExplained));
    }

    // Every event the outbox holds for the account, delivered: the receiver's list is then complete.
    const outboxed = async () => (await db.sql`SELECT count(*)::int AS n FROM webhook_events WHERE account_id = ${account.id}`)[0]!.n as number;
    await tk.waitFor(async () => webhooks.received.length > 0 && webhooks.received.length >= (await outboxed()), { what: 'the webhooks delivered', timeoutMs });
    say('');
    say(formatWebhooks(webhooks.received));

    say('');
    say('Look around with the CLI (another terminal):');
    // The URL carries the stack's database password: the hint derives it rather than printing it.
    say(`  export REPLY_SYNC_ACCOUNT=${account.id} DATABASE_URL="$(npm run -s stack -- env | sed -n "s|^export DATABASE_URL='\\(.*\\)/reply_sync'\$|\\1/${DEMO_DATABASE}|p")"`);
    say(`  npx reply-sync --stack timeline --deal "${DEMO_CONTACT.deal}"`);
    say(`  npx reply-sync --stack explain '${fromAlias.messageId}'`);
    say(`  npx reply-sync --stack explain --look '${inSubfolder.messageId}'`);
    say(`  npx reply-sync --stack inbox list --all`);
    say(`  npx reply-sync --stack webhook attempts`);

    const result: DemoResult = {
      accountId: account.id,
      inboxId,
      inboxAddress: mailUser.address,
      contactEmail: bobEmail,
      outgoingMessageId: proposal.messageId,
      replies: {
        logged: { kind: 'logged', messageId: genuine.messageId, reasons: explanations.logged.decisions.map((d) => d.reasonCode), onTimeline: onTimeline(genuine.messageId) },
        alias: { kind: 'alias', messageId: fromAlias.messageId, reasons: explanations.alias.decisions.map((d) => d.reasonCode), onTimeline: onTimeline(fromAlias.messageId) },
        subfolder: { kind: 'subfolder', messageId: inSubfolder.messageId, reasons: explanations.subfolder.decisions.map((d) => d.reasonCode), onTimeline: onTimeline(inSubfolder.messageId) },
      },
      timeline,
      api: { url: api.url, key: apiKey.key, inboxesListed: listed.data.length },
      console: { url: `${api.url}/console`, ...consoleLogin },
      webhooks: [...webhooks.received],
      bcc: bccSent && bccExplained ? { ...bccSent, reasons: bccExplained.inbound.map((d) => d.reasonCode), onTimeline: onTimeline(bccSent.messageId) } : null,
    };

    if (!options.once) await watchDecisions(s, inboxId, mailUser.address, profile.lmtpPort, say, options.signal);
    // The demo inbox stops being synced once the demo ends, so no later scheduler picks it up.
    await s.inboxes.remove(inboxId);
    return result;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

/** The API on API_PORT (8787), or on a free port when that one is taken (another demo, a second checkout). */
async function startDemoApi(env: Record<string, string>, logStream: NodeJS.WritableStream): Promise<RunningApi> {
  const options = { handleSignals: false, logStream: logStream as never };
  try {
    return await runApi(parseApiEnv(env), options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return runApi(parseApiEnv({ ...env, API_PORT: '0' }), options);
  }
}

async function watchDecisions(
  s: ReturnType<typeof scoped>,
  inboxId: string,
  address: string,
  lmtpPort: number,
  say: (text: string) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const seen = new Set((await s.decisions.forInbox(inboxId, 1000)).map((d) => d.id));
  say('');
  say(`Running. Mail sent to ${address} (LMTP on 127.0.0.1:${lmtpPort}) is decided as it arrives; Ctrl-C stops.`);
  while (!signal?.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    const fresh: DecisionRow[] = (await s.decisions.forInbox(inboxId, 100)).filter((d) => !seen.has(d.id)).reverse();
    for (const d of fresh) {
      seen.add(d.id);
      say(`New: ${d.messageId ?? '(no Message-ID)'} from ${d.fromAddress ?? '?'} "${d.subject ?? ''}" at ${formatDate(d.createdAt)}`);
      say(
        formatDecision({
          at: d.createdAt,
          inbox: { id: inboxId, address },
          mailbox: d.mailbox,
          uidvalidity: d.uidvalidity,
          uid: d.uid,
          decision: d.decision,
          reasonCode: d.reasonCode,
          sentence: reasonSentence(d.reasonCode as Parameters<typeof reasonSentence>[0]) ?? d.reasonCode,
          detail: d.detail,
          from: d.fromAddress,
          subject: d.subject,
        }),
      );
    }
  }
  say('Stopping: ending the worker session, the scheduler and the database pool.');
}
