// Builds the bytes of a CRM-sent email with nodemailer's MailComposer: the same buffer goes to SMTP
// and into the Sent folder. The Message-ID is derived from the account and the idempotency key.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SendAttachment, SendJobData } from '@reply-sync/queue';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { Recipient, SendRecipients } from './parse-recipients';
import { SendError } from './send-error';

/** Attachments of one send, together (they travel in the job and in Redis: keep them small). */
export const MAX_SEND_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? address : address.slice(at + 1);
}

/**
 * `<sha256(account, key)[0..32]@domain-of-the-inbox>`. Derived, not random, so the same send always
 * has the same Message-ID: even when the job (and its saved state) is gone, a re-submit with the same
 * key finds the logged email by its Message-ID and sends nothing. With the CLI's default key (a random
 * UUID) the id is as unpredictable as a random one.
 */
export function sendMessageId(accountId: string, sendId: string, inboxAddress: string): string {
  const hash = createHash('sha256').update(`reply-sync-send\0${accountId}\0${sendId}`).digest('hex').slice(0, 32);
  return `<${hash}.crm@${domainOf(inboxAddress).toLowerCase()}>`;
}

async function attachmentOf(a: SendAttachment): Promise<{ att: Mail.Attachment; size: number }> {
  const base = { filename: a.filename, ...(a.contentType ? { contentType: a.contentType } : {}) };
  if (a.contentBase64 !== undefined) {
    const content = Buffer.from(a.contentBase64, 'base64');
    return { att: { ...base, content }, size: content.length };
  }
  if (a.path !== undefined) {
    // Read here (not by the composer) so the size is checked and a missing file is a clear error.
    let content: Buffer;
    try {
      content = await readFile(a.path);
    } catch (error) {
      throw new SendError('invalid_request', `The attachment ${a.path} cannot be read by the worker (${(error as Error).message}).`);
    }
    return { att: { ...base, content }, size: content.length };
  }
  throw new SendError('invalid_request', `The attachment ${a.filename} has neither a path nor content.`);
}

export interface BuiltMessage {
  messageId: string;
  date: Date;
  raw: Buffer;
}

export interface BuildMessageInput {
  data: SendJobData;
  from: { address: string; name?: string | null };
  /** The parsed To and Cc (parseRecipients): the header keeps the display names. */
  recipients: SendRecipients;
  date: Date;
}

const header = (list: Recipient[]): Mail.Address[] => list.map((r) => ({ name: r.name, address: r.address }));

/** The RFC 5322 bytes of the send (From = the inbox's address; no Bcc header). */
export async function buildMessage({ data, from, recipients, date }: BuildMessageInput): Promise<BuiltMessage> {
  const attachments: Mail.Attachment[] = [];
  let total = 0;
  for (const a of data.attachments ?? []) {
    const { att, size } = await attachmentOf(a);
    total += size;
    attachments.push(att);
  }
  if (total > MAX_SEND_ATTACHMENT_BYTES) {
    throw new SendError('invalid_request', `The attachments add up to ${total} bytes; a send carries at most ${MAX_SEND_ATTACHMENT_BYTES} bytes of attachments.`);
  }
  const messageId = sendMessageId(data.accountId, data.sendId, from.address);
  const options: Mail.Options = {
    from: from.name ? { name: from.name, address: from.address } : from.address,
    to: header(recipients.to),
    ...(recipients.cc.length > 0 ? { cc: header(recipients.cc) } : {}),
    subject: data.subject,
    messageId,
    date,
    ...(data.text ? { text: data.text } : {}),
    ...(data.html ? { html: data.html } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
  const raw = await new Promise<Buffer>((resolve, reject) => {
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message)));
  });
  return { messageId, date, raw };
}
