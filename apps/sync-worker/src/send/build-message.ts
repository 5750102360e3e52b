// Builds the bytes of a CRM-sent email with nodemailer's MailComposer: the same buffer goes to SMTP
// and into the Sent folder. The Message-ID is derived from the account and the idempotency key.
// Everything it builds from comes from the outgoing email saved in PostgreSQL; it reads no file.
import { createHash } from 'node:crypto';
import type { OutgoingAttachment, OutgoingEmail } from '@reply-sync/db';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { Recipient, SendRecipients } from './parse-recipients';

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? address : address.slice(at + 1);
}

/**
 * `<sha256(account, key)[0..32]@domain-of-the-inbox>`. Derived, not random, so the same send always
 * has the same Message-ID: even when the saved state is lost, a send with the same key finds the
 * logged email by its Message-ID and sends nothing. With the CLI's default key (a random UUID) the id
 * is as unpredictable as a random one.
 */
export function sendMessageId(accountId: string, sendId: string, inboxAddress: string): string {
  const hash = createHash('sha256').update(`reply-sync-send\0${accountId}\0${sendId}`).digest('hex').slice(0, 32);
  return `<${hash}.crm@${domainOf(inboxAddress).toLowerCase()}>`;
}

export interface BuiltMessage {
  messageId: string;
  date: Date;
  raw: Buffer;
}

export interface BuildMessageInput {
  email: Pick<OutgoingEmail, 'accountId' | 'sendId' | 'subject' | 'textBody' | 'htmlBody'>;
  attachments: Pick<OutgoingAttachment, 'filename' | 'contentType' | 'content'>[];
  from: { address: string; name?: string | null };
  /** The parsed To and Cc (parseRecipients): the header keeps the display names. */
  recipients: SendRecipients;
  date: Date;
}

const header = (list: Recipient[]): Mail.Address[] => list.map((r) => ({ name: r.name, address: r.address }));

/** The RFC 5322 bytes of the send (From = the inbox's address; no Bcc header). */
export async function buildMessage({ email, attachments, from, recipients, date }: BuildMessageInput): Promise<BuiltMessage> {
  const messageId = sendMessageId(email.accountId, email.sendId, from.address);
  const files: Mail.Attachment[] = attachments.map((a) => ({ filename: a.filename, content: a.content, ...(a.contentType ? { contentType: a.contentType } : {}) }));
  const options: Mail.Options = {
    from: from.name ? { name: from.name, address: from.address } : from.address,
    to: header(recipients.to),
    ...(recipients.cc.length > 0 ? { cc: header(recipients.cc) } : {}),
    subject: email.subject,
    messageId,
    date,
    ...(email.textBody ? { text: email.textBody } : {}),
    ...(email.htmlBody ? { html: email.htmlBody } : {}),
    ...(files.length > 0 ? { attachments: files } : {}),
  };
  const raw = await new Promise<Buffer>((resolve, reject) => {
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message)));
  });
  return { messageId, date, raw };
}
