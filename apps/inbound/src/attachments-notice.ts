// The notification email to the sender of a BCC'd email whose attachments were left out (over the 50 MB
// limit, issue 14): sent through the SMTP relay of INBOUND_NOTIFY_SMTP_URL (off when unset), after the
// email is committed. At most once: a crash between the commit and the send loses the notice, never the
// email, and a failed send is logged (reason code, no address) without failing the message's job.
import nodemailer from 'nodemailer';
import type { Logger } from './logger';

export interface AttachmentsNotice {
  /** The sender (the From of the BCC'd email). */
  to: string;
  subject: string;
  messageId: string;
  /** e.g. "attachments total 60.0 MB, over the 50 MB limit" */
  reason: string;
}

export interface Notifier {
  attachmentsDropped(notice: AttachmentsNotice): Promise<void>;
  close(): void;
}

export const ATTACHMENTS_NOTICE_SUBJECT = (subject: string) => `Logged without attachments: ${subject || '(no subject)'}`;

/** The notice's body: what happened, why, and what to do about it. */
export function attachmentsNoticeText(notice: AttachmentsNotice): string {
  return [
    `Your email "${notice.subject || '(no subject)'}" (${notice.messageId}) was logged on the CRM timeline without its attachments: the ${notice.reason}.`,
    'The text of the email and its recipients were logged as usual. To keep the files with the email, send them again in emails of under 50 MB each, or attach them to the record in the CRM.',
    '',
    'This message was sent automatically by reply-sync; replies to it are not read.',
  ].join('\n');
}

export function createNotifier(options: { smtpUrl: string; from: string; ca: Buffer | null; logger: Logger }): Notifier {
  const transport = nodemailer.createTransport({ url: options.smtpUrl, ...(options.ca ? { tls: { ca: [options.ca] } } : {}) });
  return {
    async attachmentsDropped(notice) {
      try {
        await transport.sendMail({
          from: options.from,
          to: notice.to,
          subject: ATTACHMENTS_NOTICE_SUBJECT(notice.subject),
          text: attachmentsNoticeText(notice),
          inReplyTo: notice.messageId,
          references: [notice.messageId],
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        options.logger.info({ reason: 'attachments_notice_sent' }, 'sender notified: logged without attachments');
      } catch (error) {
        const code = error instanceof Error && 'responseCode' in error ? (error as { responseCode?: number }).responseCode : undefined;
        options.logger.warn({ reason: 'attachments_notice_failed', responseCode: code, err: error instanceof Error ? error.message : String(error) }, 'the sender could not be notified that the attachments were left out');
      }
    },
    close: () => transport.close(),
  };
}
