// Files the sent bytes in the sender's Sent mailbox (found by \Sent special-use, else by the usual
// names), flagged \Seen. Idempotent: a copy already there (same Message-ID) is not appended again.
// A short extra connection beside the inbox's IDLE session: it takes one of the account's slots of the
// fleet's login budget (and a login of the host's rate) when a budget is given.
import type { ImapFlow } from 'imapflow';
import { createImapClient, findSentMailbox, type ConnectOptions, type ImapSettings, type MailCredentials } from '@reply-sync/mail';
import type { LoginBudget } from '@reply-sync/queue';
import { withDeadline } from './with-deadline';

export type SentCopyOutcome =
  | { status: 'appended'; mailbox: string; alreadyThere: boolean }
  | { status: 'no_sent_folder'; mailbox: null; alreadyThere: false };

export interface SentCopyInput {
  settings: ImapSettings;
  credentials: MailCredentials;
  connect: ConnectOptions;
  messageId: string;
  raw: Buffer;
  date: Date;
  /** The mailbox path cached on the inbox row, tried first (re-discovered when it is gone). */
  cachedMailbox: string | null;
  /** For tests: another client factory. */
  createClient?: typeof createImapClient;
  /** The whole IMAP session (connect, LIST, SEARCH, APPEND); on expiry the connection is closed. Default 2 min. */
  timeoutMs?: number;
  /** The fleet's login budget; the wait for a slot comes before the session's timeout starts. */
  budget?: Pick<LoginBudget, 'withExtraConnection'> | undefined;
}

export const DEFAULT_SENT_COPY_TIMEOUT_MS = 2 * 60_000;

async function hasMessageId(client: ImapFlow, mailbox: string, messageId: string): Promise<boolean> {
  const lock = await client.getMailboxLock(mailbox, { readOnly: true });
  try {
    const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    return Array.isArray(uids) && uids.length > 0;
  } finally {
    lock.release();
  }
}

export async function appendSentCopy(input: SentCopyInput): Promise<SentCopyOutcome> {
  const session = () => {
    const client = (input.createClient ?? createImapClient)(input.settings, input.credentials, input.connect);
    client.on('error', () => undefined);
    const ms = input.timeoutMs ?? DEFAULT_SENT_COPY_TIMEOUT_MS;
    return withDeadline(fileCopy(client, input), ms, () => {
      client.close();
      return Object.assign(new Error(`The IMAP session filing the Sent copy did not finish within ${ms / 1000} s`), { code: 'ETIMEDOUT' });
    });
  };
  if (!input.budget) return session();
  return input.budget.withExtraConnection({ host: input.settings.host, username: input.credentials.username }, session);
}

async function fileCopy(client: ImapFlow, input: SentCopyInput): Promise<SentCopyOutcome> {
  await client.connect();
  try {
    const listed = (await client.list()).map((e) => e.path);
    const mailbox = input.cachedMailbox && listed.includes(input.cachedMailbox) ? input.cachedMailbox : await findSentMailbox(client);
    if (!mailbox) return { status: 'no_sent_folder', mailbox: null, alreadyThere: false };
    if (await hasMessageId(client, mailbox, input.messageId)) return { status: 'appended', mailbox, alreadyThere: true };
    const result = await client.append(mailbox, input.raw, ['\\Seen'], input.date);
    if (!result) throw new Error(`APPEND to ${mailbox} was refused`);
    return { status: 'appended', mailbox, alreadyThere: false };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
