// `email send`: puts a send on the send queue (the sync worker sends it over the inbox's SMTP, logs it
// and files the Sent copy); with --wait, waits for the outcome and prints the logged email.
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Scoped } from '@reply-sync/db';
import {
  createSendEvents,
  createSendQueue,
  DEFAULT_SEND_QUEUE_NAME,
  enqueueSend,
  isValidSendId,
  waitForSend,
  type SendAttachment,
  type SendJobData,
  type SendJobResult,
} from '@reply-sync/queue';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { collect } from '../format';
import type { CliRuntime, CommandContext } from '../runtime';
import { withAccount } from './options';

/** Attachments travel base64 inside the job (Redis): keep them small. Same limit as the worker's. */
const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const DEFAULT_WAIT_SECONDS = 60;

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    throw new CliError('file_unreadable', `Cannot read ${file} (${error instanceof Error ? error.message : String(error)}).`);
  });
}

async function readAttachments(files: string[]): Promise<SendAttachment[]> {
  let total = 0;
  const out: SendAttachment[] = [];
  for (const file of files) {
    const size = await stat(file).then((s) => s.size).catch(() => -1);
    if (size < 0) throw new CliError('file_unreadable', `Cannot read the attachment ${file}.`);
    total += size;
    if (total > MAX_ATTACHMENT_BYTES) {
      throw new CliError('attachments_too_large', `The attachments add up to more than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB; send large files as links.`);
    }
    out.push({ filename: basename(file), contentBase64: (await readFile(file)).toString('base64') });
  }
  return out;
}

async function resolveAssociations(s: Scoped, o: { contacts: string[]; companies: string[]; deals: string[] }): Promise<NonNullable<SendJobData['associations']>> {
  const contactIds: string[] = [];
  for (const email of o.contacts) {
    const c = await s.contacts.findByEmail(email);
    if (!c) throw new CliError('contact_not_found', `There is no contact ${email}; add it with \`reply-sync contact add --email ${email}\` first.`);
    contactIds.push(c.id);
  }
  const companyIds: string[] = [];
  for (const name of o.companies) {
    const c = await s.companies.find(name);
    if (!c) throw new CliError('company_not_found', `There is no company "${name}" in this account.`);
    companyIds.push(c.id);
  }
  const dealIds: string[] = [];
  for (const name of o.deals) {
    const d = await s.deals.find(name);
    if (!d) throw new CliError('deal_not_found', `There is no deal "${name}" in this account.`);
    dealIds.push(d.id);
  }
  return { contactIds, companyIds, dealIds };
}

/** `code: sentence` (the worker's failedReason) → CliError. */
function failureOf(reason: string): CliError {
  const m = /^([a-z_]+): ([\s\S]*)$/.exec(reason);
  return m?.[1] && m[2] !== undefined ? new CliError(m[1], m[2]) : new CliError('send_failed', reason);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

async function sendAction(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  if (o.text !== undefined && o.textFile !== undefined) throw new CliError('text_twice', 'Give the text body with --text or --text-file, not both.');
  const text = o.textFile !== undefined ? await readText(String(o.textFile)) : (o.text as string | undefined);
  const html = o.htmlFile !== undefined ? await readText(String(o.htmlFile)) : undefined;
  if (!text && !html) throw new CliError('body_missing', 'Give a body: --text, --text-file and/or --html-file.');
  const sendId = o.key !== undefined ? String(o.key) : randomUUID();
  if (!isValidSendId(sendId)) throw new CliError('invalid_key', `--key "${sendId}" must be 1-128 letters, digits, ".", "_" or "-".`);

  const s = await ctx.scope();
  const inboxId = String(o.inbox);
  const inbox = await s.inboxes.get(inboxId).catch(() => null);
  if (!inbox) throw new CliError('inbox_not_found', `There is no inbox ${inboxId} in this account (see \`reply-sync inbox list\`).`);
  if (inbox.status !== 'connected') throw new CliError('inbox_not_connected', `The inbox ${inbox.address} is ${inbox.status}; reconnect it before sending from it.`);
  if (!inbox.smtpHost) throw new CliError('smtp_not_configured', `The inbox ${inbox.address} has no SMTP server; reconnect it with --smtp-host to send from it.`);

  const data: Omit<SendJobData, 'state'> = {
    accountId: s.accountId,
    inboxId,
    sendId,
    to: strings(o.to),
    cc: strings(o.cc),
    subject: String(o.subject),
    text: text ?? null,
    html: html ?? null,
    attachments: await readAttachments(strings(o.attach)),
    associations: await resolveAssociations(s, { contacts: strings(o.contact), companies: strings(o.company), deals: strings(o.deal) }),
  };

  const source = ctx.env().source;
  const redisUrl = source.REDIS_URL;
  if (!redisUrl) throw new CliError('redis_url_missing', 'REDIS_URL is not set. Set it to the Redis URL (redis://host:port), or pass --stack to use the local stack.');
  const queueName = source.REPLY_SYNC_SEND_QUEUE || DEFAULT_SEND_QUEUE_NAME;
  const queue = createSendQueue({ redisUrl, name: queueName });
  // Listening before adding, so a send that finishes at once is not missed.
  let events: Awaited<ReturnType<typeof createSendEvents>> | null = null;
  try {
    if (o.wait) events = await createSendEvents({ redisUrl, name: queueName });
    const job = await enqueueSend(queue, data);
    if (!events) {
      ctx.print({ queued: true, jobId: job.id, sendId }, () => `Queued send ${sendId} from ${inbox.address} (job ${job.id}); run with --wait to see the outcome.`);
      return;
    }
    const seconds = Number(o.timeout ?? DEFAULT_WAIT_SECONDS);
    let result: SendJobResult;
    try {
      result = await waitForSend(job, events, seconds * 1000);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/timed out/i.test(message)) {
        throw new CliError('send_wait_timeout', `The send ${sendId} did not finish within ${seconds} s (is a sync worker running?). It stays queued; the same --key will not send it twice.`);
      }
      throw failureOf(message);
    }
    const email = await s.emails.get(result.emailId);
    const out = { sendId, jobId: job.id, ...result, email };
    ctx.print(out, () => {
      const lines = [
        `${result.alreadySent ? 'Already sent' : 'Sent'} "${email?.subject ?? data.subject}" from ${inbox.address} (email ${result.emailId}, thread ${result.threadId}).`,
        `  Message-ID: ${result.messageId}`,
        `  to: ${[...data.to, ...(data.cc ?? [])].join(', ')}`,
        `  Sent copy: ${result.sentCopyStatus}`,
      ];
      if (result.rejected.length > 0) lines.push(`  not delivered to (refused by the server): ${result.rejected.join(', ')}`);
      return lines.join('\n');
    });
  } finally {
    await events?.close();
    await queue.close();
  }
}

/** Registers `email send` under the `email` command group (made here when it does not exist yet). */
export function registerEmailSendCommand(program: Command, rt: CliRuntime): void {
  const email = program.commands.find((c) => c.name() === 'email') ?? program.command('email').description('emails the CRM sent or logged');
  withAccount(
    email
      .command('send')
      .description("send an email from a connected inbox (over its SMTP server); it is logged and filed in the inbox's Sent folder")
      .requiredOption('--inbox <id>', 'the inbox to send from')
      .requiredOption('--to <address>', 'recipient (repeatable)', collect)
      .option('--cc <address>', 'copy recipient (repeatable)', collect)
      .requiredOption('--subject <subject>', 'the subject')
      .option('--text <text>', 'the plain-text body')
      .option('--text-file <path>', 'read the plain-text body from a file')
      .option('--html-file <path>', 'read an HTML body from a file')
      .option('--attach <path>', `attach a file (repeatable; ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB in all)`, collect)
      .option('--contact <email>', 'associate this contact (repeatable)', collect)
      .option('--company <name>', 'associate this company (repeatable)', collect)
      .option('--deal <name>', 'associate this deal (repeatable)', collect)
      .option('--key <key>', 'idempotency key: the same key sends once (default: a new random key)')
      .option('--wait', 'wait for the send to finish and print the logged email and its Message-ID')
      .option('--timeout <seconds>', `with --wait: how long to wait (default ${DEFAULT_WAIT_SECONDS})`),
  ).action(rt.action(sendAction));
}
