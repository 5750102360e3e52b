// What `email send` does when it runs (commands/email-send.ts defines the command): saves the email (with
// the --attach files, read on this machine) in PostgreSQL, then puts a send job naming it by id on the send
// queue; the sync worker sends it over the inbox's SMTP, logs it and files the Sent copy. With --wait, waits
// for the outcome. The same --key again sends nothing: it says what became of the email saved under that key.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { LoggedEmail, OutgoingEmail, Scoped } from '@reply-sync/db';
import {
  createSendEvents,
  createSendQueue,
  DEFAULT_SEND_QUEUE_NAME,
  enqueueSend,
  isValidSendId,
  waitForSend,
  type SendJobResult,
} from '@reply-sync/queue';
import { parseSendJobReason } from '@reply-sync/sync-worker';
import { TRACKING_PLAN_SENTENCES, type TrackingPlan } from '@reply-sync/tracking';
import { CliError } from '../cli-error';
import { DEFAULT_WAIT_SECONDS } from '../option-values';
import { saveSend } from '../ops/send-email';
import type { CommandContext } from '../runtime';

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    throw new CliError('file_unreadable', `Cannot read ${file} (${error instanceof Error ? error.message : String(error)}).`);
  });
}

/** `code: sentence` (the worker's failedReason) → CliError. */
function failureOf(reason: string, prefix = ''): CliError {
  const { code, sentence } = parseSendJobReason(reason);
  return new CliError(code, `${prefix}${sentence}`);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

type SendOutcome = Omit<SendJobResult, 'emailId' | 'threadId'> & { emailId: string | null; threadId: string | null };

/** A tracked send's plan as saved with its message (null: not requested, or not built). */
function planOf(email: OutgoingEmail | null): TrackingPlan | null {
  const plan = email?.trackingPlan as TrackingPlan | null | undefined;
  return plan && typeof plan === 'object' && Array.isArray(plan.reasons) && Array.isArray(plan.recipients) ? plan : null;
}

function trackingLines(plan: TrackingPlan): string[] {
  const lines = [`  tracking: pixel ${plan.pixel}, clicks ${plan.clicks ? 'tracked' : 'not tracked'}`];
  for (const code of plan.reasons) lines.push(`    ${code}: ${TRACKING_PLAN_SENTENCES[code] ?? code}`);
  for (const r of plan.recipients) lines.push(`    ${r.address}: ${r.tracking} (${r.reason})`);
  return lines;
}

/** The outcome as JSON (the same shape whether it was sent now or before) and as text. */
function printOutcome(ctx: CommandContext, email: OutgoingEmail, from: string, outcome: SendOutcome, logged: LoggedEmail | null, jobId: string | undefined): void {
  const tracking = planOf(email);
  const out = { sendId: email.sendId, outgoingEmailId: email.id, jobId, ...outcome, track: email.track, tracking, email: logged };
  ctx.print(out, () => {
    const where = `from ${from} (email ${outcome.emailId ?? 'no longer logged'}, thread ${outcome.threadId ?? '-'})`;
    const lines = [
      outcome.alreadySent
        ? `Already sent "${email.subject}" ${where} with the key ${email.sendId}; nothing was sent this time.`
        : `Sent "${email.subject}" ${where}.`,
      `  Message-ID: ${outcome.messageId}`,
      `  to: ${[...email.to, ...email.cc].join(', ')}`,
      `  Sent copy: ${outcome.sentCopyStatus}`,
    ];
    if (outcome.rejected.length > 0) lines.push(`  not delivered to (refused by the server): ${outcome.rejected.join(', ')}`);
    if (tracking) lines.push(...trackingLines(tracking));
    return lines.join('\n');
  });
}

/** An email the worker already sent under this key: what it became, from the database. */
async function printAlreadySent(ctx: CommandContext, s: Scoped, email: OutgoingEmail, from: string): Promise<void> {
  const logged = email.emailId ? await s.emails.get(email.emailId) : null;
  const outcome: SendOutcome = {
    emailId: email.emailId,
    threadId: logged?.threadId ?? null,
    messageId: email.messageId ?? '',
    sentCopyStatus: logged?.sentCopyStatus ?? 'pending',
    rejected: email.rejected,
    alreadySent: true,
  };
  printOutcome(ctx, email, from, outcome, logged, undefined);
}

export async function sendAction(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  if (o.text !== undefined && o.textFile !== undefined) throw new CliError('text_twice', 'Give the text body with --text or --text-file, not both.');
  const text = o.textFile !== undefined ? await readText(String(o.textFile)) : (o.text as string | undefined);
  const html = o.htmlFile !== undefined ? await readText(String(o.htmlFile)) : undefined;
  if (!text && !html) throw new CliError('body_missing', 'Give a body: --text, --text-file and/or --html-file.');
  const sendId = o.key !== undefined ? String(o.key) : randomUUID();
  if (!isValidSendId(sendId)) throw new CliError('invalid_key', `--key "${sendId}" must be 1-128 letters, digits, ".", "_" or "-".`);

  const source = ctx.env().source;
  const redisUrl = ctx.env().redisUrl();
  const s = await ctx.scope();
  const { created, email } = await saveSend(s, {
    inboxId: String(o.inbox),
    sendId,
    to: strings(o.to),
    cc: strings(o.cc),
    subject: String(o.subject),
    text: text ?? null,
    html: html ?? null,
    attach: strings(o.attach),
    contacts: strings(o.contact),
    companies: strings(o.company),
    deals: strings(o.deal),
    track: o.track === true,
  });
  const from = (await s.inboxes.get(email.inboxId))?.address ?? `inbox ${email.inboxId}`;
  if (email.status === 'sent') return printAlreadySent(ctx, s, email, from);
  if (email.status === 'failed') throw failureOf(email.failure ?? '', `The send with the key ${sendId} already failed, and is not tried again (send it with a new --key): `);

  const queueName = source.REPLY_SYNC_SEND_QUEUE || DEFAULT_SEND_QUEUE_NAME;
  const queue = createSendQueue({ redisUrl, name: queueName });
  // Listening before adding, so a send that finishes at once is not missed.
  let events: Awaited<ReturnType<typeof createSendEvents>> | null = null;
  try {
    if (o.wait) events = await createSendEvents({ redisUrl, name: queueName });
    // A key saved before but not sent yet: the same job id, so this adds nothing unless the job is gone.
    // A key saved before but not sent yet: the same job id on the same shard (the saved email's inbox), so
    // this adds nothing unless the job is gone.
    const job = await enqueueSend(queue, { accountId: s.accountId, inboxId: email.inboxId, outgoingEmailId: email.id, sendId });
    if (!events) {
      ctx.print({ queued: true, alreadyQueued: !created, jobId: job.id, sendId, outgoingEmailId: email.id }, () =>
        created
          ? `Queued send ${sendId} from ${from} (job ${job.id}); run with --wait to see the outcome.`
          : `The send ${sendId} from ${from} was already queued (job ${job.id}); nothing new was queued. Run with --wait to see the outcome.`,
      );
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
    // Sent by an earlier run's job (this run found the key saved): say so, not "Sent".
    const outcome = { ...result, alreadySent: result.alreadySent || !created };
    // Re-read: the worker saved the tracking plan with the built message.
    printOutcome(ctx, (await s.outgoingEmails.get(email.id)) ?? email, from, outcome, await s.emails.get(result.emailId), job.id);
  } finally {
    await events?.close();
    await queue.close();
  }
}
