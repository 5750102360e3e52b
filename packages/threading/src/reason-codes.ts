// The closed set of reasons a message was or was not logged, each with the one sentence the CLI,
// the logs and the support view all show.

/** Skip reasons in the order decide() checks them (see decide.ts). */
export const SKIP_REASONS_IN_ORDER = [
  'duplicate',
  'bounce',
  'auto_reply',
  'not_in_inbox',
  'not_a_reply',
  'inbox_disconnected',
  'never_log',
  'sender_not_contact',
  'sender_unverified',
  'not_thread_owner',
  'team_thread',
] as const;

export type SkipReason = (typeof SKIP_REASONS_IN_ORDER)[number];
/** Recorded by the worker itself, outside decide(). */
export type WorkerReason = 'malformed';
export type LogReason = 'logged' | 'logged_without_attachments';
/**
 * Mail sent to an account's BCC address (apps/inbound, decideBcc), besides the shared `duplicate`,
 * `never_log`, `sender_unverified`, `malformed` and the two logged codes.
 */
export type InboundReason = 'sender_not_user' | 'no_loggable_recipient' | 'message_too_large' | ForwardReason;
/** Mail sent to an account's forwarding address (apps/inbound, decideForward) that is not one forwarded reply. */
export type ForwardReason = 'forward_not_recognised' | 'forward_of_thread';
export type ReasonCode = SkipReason | WorkerReason | LogReason | InboundReason;

export const REASON_SENTENCES: Record<ReasonCode, string> = {
  duplicate: 'This message is already on the timeline; it was not logged a second time.',
  bounce: 'This is a delivery failure notice from a mail server, not a reply from a person.',
  auto_reply:
    'This is an automatic reply (out-of-office or similar); it was recorded but not put on the timeline.',
  not_in_inbox:
    'The message is not in the INBOX (it is in a subfolder, Junk or Spam); only replies in the INBOX are logged.',
  not_a_reply:
    'The message does not answer any email the CRM sent or logged (its In-Reply-To and References match none).',
  inbox_disconnected:
    'The message arrived while this inbox was disconnected; replies from that time are not logged.',
  never_log:
    "The sender or one of the original email's recipients is on the account's never-log list.",
  sender_not_contact:
    'The sender is not a contact in the CRM (an alias or another address of the same person does not count).',
  sender_unverified:
    "The sender could not be verified (no DMARC pass or aligned DKIM pass: for a reply, from the inbox's own mail server; for mail to the BCC address, by our own check, or by the logging mailbox's own mail server) and the account requires verified senders; it was not logged.",
  not_thread_owner:
    'The reply arrived in the inbox of a user other than the one who started the thread; it is logged only from the thread owner\'s inbox.',
  team_thread:
    'The thread was started from a team address; replies are logged only from that team inbox, not from a personal one or another team\'s.',
  sender_not_user:
    "The email came to the account's BCC or forwarding address, but its From is not a user of the account, a connected inbox's address or one of its aliases; only the account's own people can log email this way.",
  no_loggable_recipient:
    'The email came to the BCC address, but none of its To and Cc recipients can be logged (each is a user of the account, on the never-log list, or was itself Bcc\'d); or it came to the forwarding address and the original sender is one of the account\'s own addresses.',
  message_too_large:
    'The email in the logging mailbox is larger than the worker reads (LOGGING_MAX_MESSAGE_BYTES); it was left unread and not logged. Send it again without its largest attachments, or log it with `reply-sync email log`.',
  forward_not_recognised:
    "The email came to the forwarding address, but no forward header (From, Date, Subject of the original) was found in its text or HTML part; forward the reply again with your mail client's Forward button, keeping the header it adds, or log it with `reply-sync email log`.",
  forward_of_thread:
    'The email came to the forwarding address, but it holds a whole forwarded thread, not one reply; forward each reply on its own, one message at a time.',
  malformed:
    'The message could not be read (its headers are broken); it was skipped and the inbox kept syncing.',
  logged: 'The email was logged on the timeline.',
  logged_without_attachments:
    'The email was logged on the timeline without its attachments, which together exceed the 50 MB limit.',
};

/** A recorded code this version has no sentence for (a newer version wrote it); `{code}` is the code. */
export const UNKNOWN_REASON_SENTENCE = 'Recorded with reason {code}.';

export function reasonSentence(code: ReasonCode): string {
  return REASON_SENTENCES[code];
}
