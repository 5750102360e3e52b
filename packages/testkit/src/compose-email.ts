// Real MIME for tests, built by nodemailer's MailComposer (the same code a client would send with).
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';

export interface ComposeEmailInput {
  from: string;
  to?: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  replyTo?: string;
  subject?: string;
  /** With or without angle brackets. */
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  text?: string;
  html?: string;
  attachments?: Mail.Attachment[];
  /** Extra or overriding headers (Auto-Submitted, List-Id, ...). */
  headers?: Record<string, string | string[]>;
  date?: Date | string;
}

/** The message as RFC 5322 bytes, ready for deliver() or appendTo(). */
export function composeEmail(input: ComposeEmailInput): Promise<Buffer> {
  const { messageId, ...rest } = input;
  const options: Mail.Options = { ...rest };
  if (messageId) options.messageId = messageId.startsWith('<') ? messageId : `<${messageId}>`;
  return new Promise((resolve, reject) => {
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message)));
  });
}
