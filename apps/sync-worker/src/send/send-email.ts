// One CRM send, in the order a support person would explain it (see README.md for why each step is
// where it is): load the inbox, stop if this key was already sent, build (or reload) the exact bytes,
// send once over SMTP, add new recipients as contacts, log the email, file the copy in Sent.
import { readFile } from 'node:fs/promises';
import type { AttachmentInput, Db, EncryptionKeys, Inbox, InboxWithCredentials, Scoped } from '@reply-sync/db';
import { scoped } from '@reply-sync/db';
import {
  classifyMailError,
  createImapClient,
  createSmtpTransport,
  type ConnectOptions,
  type ImapSettings,
  type MailCredentials,
  type SmtpSettings,
} from '@reply-sync/mail';
import type { SendJobData, SendJobResult, SendJobState } from '@reply-sync/queue';
import { buildMessage, sendMessageId } from './build-message';
import { classifySmtpFailure, smtpFailureSentence, type SmtpFailure } from './classify-smtp-failure';
import { bareAddresses, parseRecipients, type SendRecipients } from './parse-recipients';
import { oauthCredentials, type AccessTokenProvider } from './oauth-credentials';
import { createRecipientContacts } from './recipient-contacts';
import { appendSentCopy } from './sent-copy';
import { SendError } from './send-error';
import { withDeadline } from './with-deadline';

/** Providers whose SMTP files a copy in Sent by itself: appending one would make a duplicate. */
export const PROVIDERS_FILING_SENT = new Set(['gmail', 'office365']);

/**
 * How long each await on the network may take. The libraries' socket timeouts count inactivity only,
 * so these bound the whole step; `totalMs` bounds the whole send (database included) so a job never
 * stays active forever.
 */
export interface SendTimeouts {
  accessTokenMs: number;
  smtpMs: number;
  sentCopyMs: number;
  totalMs: number;
}

export const DEFAULT_SEND_TIMEOUTS: SendTimeouts = { accessTokenMs: 30_000, smtpMs: 3 * 60_000, sentCopyMs: 2 * 60_000, totalMs: 8 * 60_000 };

/** Where the state of one send lives between attempts (the BullMQ job's data in the worker). */
export interface SendStateStore {
  load(): SendJobState | undefined;
  save(state: SendJobState): Promise<void>;
}

export interface SendLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SendDeps {
  db: Db;
  keys: EncryptionKeys;
  /** Extra trusted CA (PEM) for SMTP and IMAP servers with private certificates. */
  ca?: string | undefined;
  logger: SendLogger;
  /** An access token for an OAuth inbox (gmail, office365); its errors are classified like IMAP's. */
  getAccessToken?: AccessTokenProvider | undefined;
  state: SendStateStore;
  now?: () => Date;
  /** For tests: shorter deadlines. */
  timeouts?: Partial<SendTimeouts> | undefined;
  /** For tests: other SMTP/IMAP factories. */
  createTransport?: typeof createSmtpTransport;
  createImap?: typeof createImapClient;
}

/** A store in memory: for tests and for calling sendEmail outside a queue. */
export function memoryStateStore(initial?: SendJobState): SendStateStore & { current: SendJobState | undefined } {
  const store = {
    current: initial,
    load: () => store.current,
    save: async (state: SendJobState) => {
      store.current = state;
    },
  };
  return store;
}

interface LoadedInbox {
  inbox: Inbox;
  credentials: MailCredentials;
  smtp: SmtpSettings;
  imap: ImapSettings;
}

function validate(data: SendJobData): SendRecipients {
  if (data.to.length === 0) throw new SendError('invalid_request', 'A send needs at least one To recipient.');
  if (!data.text && !data.html) throw new SendError('invalid_request', 'A send needs a text or an HTML body.');
  return parseRecipients(data);
}

/** Where a send is, so a send given up on says whether the email may have gone. */
interface Progress {
  stage: 'loading the inbox' | 'preparing the message' | 'handing the message to the mail server' | 'recording the sent email' | 'filing the Sent copy';
  address: string | null;
}

function timeoutsOf(deps: SendDeps): SendTimeouts {
  return { ...DEFAULT_SEND_TIMEOUTS, ...deps.timeouts };
}

// Step 1: the inbox, connected, with SMTP settings and credentials (password, or a fresh access token).
async function loadInbox(s: Scoped, data: SendJobData, deps: SendDeps): Promise<LoadedInbox> {
  const { accessTokenMs } = timeoutsOf(deps);
  const row = await s.inboxes.getWithCredentials<{ password?: string }>(data.inboxId, deps.keys).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'inbox_removed') throw new SendError('inbox_not_connected', (error as Error).message);
    throw error;
  });
  if (!row) throw new SendError('inbox_not_found', `There is no inbox ${data.inboxId} in this account.`);
  const { credentials: secret, ...inbox } = row as InboxWithCredentials<{ password?: string }>;
  if (inbox.status !== 'connected') {
    const why = inbox.disconnectReason ? ` (${inbox.disconnectReason})` : '';
    throw new SendError('inbox_not_connected', `The inbox ${inbox.address} is ${inbox.status}${why}; reconnect it before sending from it.`);
  }
  if (!inbox.smtpHost || !inbox.smtpPort || !inbox.smtpTls) {
    throw new SendError('smtp_not_configured', `The inbox ${inbox.address} has no SMTP server configured; reconnect it with its SMTP settings to send from it.`);
  }
  const credentials: MailCredentials =
    inbox.authKind === 'oauth2'
      ? await oauthCredentials(inbox, s, deps.getAccessToken, accessTokenMs)
      : { kind: 'password', username: inbox.username, password: secret.password ?? '' };
  return {
    inbox,
    credentials,
    smtp: { host: inbox.smtpHost, port: inbox.smtpPort, tls: inbox.smtpTls, allowPlaintext: inbox.allowPlaintext },
    imap: { host: inbox.imapHost, port: inbox.imapPort, tls: inbox.imapTls, allowPlaintext: inbox.allowPlaintext },
  };
}

// Step 3: the bytes, built once and saved before anything leaves the process.
async function prepare(data: SendJobData, recipients: SendRecipients, loaded: LoadedInbox, s: Scoped, deps: SendDeps): Promise<SendJobState> {
  const saved = deps.state.load();
  if (saved) return saved;
  const user = loaded.inbox.userId ? await s.users.get(loaded.inbox.userId) : null;
  const built = await buildMessage({
    data,
    from: { address: loaded.inbox.address, name: user?.name ?? null },
    recipients,
    date: deps.now?.() ?? new Date(),
  });
  const state: SendJobState = { messageId: built.messageId, rawBase64: built.raw.toString('base64'), date: built.date.toISOString(), smtpStartedAt: null };
  await deps.state.save(state);
  return state;
}

/** One SMTP dialogue: the refused recipients when the server took the message, else the classified failure. */
async function smtpAttempt(
  recipients: SendRecipients,
  state: SendJobState,
  loaded: LoadedInbox,
  deps: SendDeps,
): Promise<{ accepted: true; rejected: string[] } | { failure: SmtpFailure; cause?: unknown }> {
  const transport = (deps.createTransport ?? createSmtpTransport)(loaded.smtp, loaded.credentials, deps.ca ? { ca: deps.ca } : {});
  const { smtpMs } = timeoutsOf(deps);
  try {
    // Bare addresses: the envelope carries no display names.
    const sending = transport.sendMail({ envelope: { from: loaded.inbox.address, to: [...recipients.to, ...recipients.cc].map((r) => r.address) }, raw: Buffer.from(state.rawBase64, 'base64') });
    // Past the deadline the dialogue is cut; it may have got as far as DATA, so the outcome is `uncertain`.
    const info = await withDeadline(sending, smtpMs, () => new Error(`The SMTP dialogue did not finish within ${smtpMs / 1000} s`));
    const rejected = (info.rejected as (string | { address: string })[]).map((r) => (typeof r === 'string' ? r : r.address).toLowerCase());
    if (info.accepted.length > 0) return { accepted: true, rejected };
    return { failure: { kind: 'rejected_recipients', detail: info.response, rejected } };
  } catch (error) {
    return { failure: classifySmtpFailure(error, loaded.credentials), cause: error };
  } finally {
    transport.close();
  }
}

// Step 4: SMTP, at most once. The mark is saved before the message is handed over and cleared only
// when the server certainly did not take it.
async function smtpSend(recipients: SendRecipients, state: SendJobState, loaded: LoadedInbox, s: Scoped, deps: SendDeps): Promise<string[]> {
  const address = loaded.inbox.address;
  if (state.smtpStartedAt) {
    throw new SendError(
      'send_outcome_unknown',
      `An earlier attempt (at ${state.smtpStartedAt}) stopped while handing this email to the mail server of ${address}, so it may or may not have been sent; it is not sent again, to avoid a duplicate. Check with the recipient before sending again with a new key.`,
    );
  }
  await deps.state.save({ ...state, smtpStartedAt: (deps.now?.() ?? new Date()).toISOString() });
  let attempt = await smtpAttempt(recipients, state, loaded, deps);
  if ('accepted' in attempt) return attempt.rejected;
  // The server refused the cached OAuth token. The provider may have invalidated it early with the grant
  // still alive: refresh once and try again (an AUTH failure is before MAIL FROM, so nothing was sent).
  // A grant that really ended fails the refresh, which disconnects the inbox with the provider's words.
  if (attempt.failure.kind === 'auth' && loaded.credentials.kind === 'oauth2') {
    deps.logger.info({ inboxId: loaded.inbox.id, detail: attempt.failure.detail }, 'smtp refused the cached oauth token; refreshing it once');
    try {
      loaded.credentials = await oauthCredentials(loaded.inbox, s, deps.getAccessToken, timeoutsOf(deps).accessTokenMs, { forceRefresh: true });
    } catch (error) {
      await deps.state.save({ ...state, smtpStartedAt: null });
      throw error;
    }
    attempt = await smtpAttempt(recipients, state, loaded, deps);
    if ('accepted' in attempt) return attempt.rejected;
  }
  const { failure, cause } = attempt;
  // The server certainly does not have the message unless the failure is `uncertain`.
  if (failure.kind !== 'uncertain') await deps.state.save({ ...state, smtpStartedAt: null });
  const sentence = smtpFailureSentence(failure, address);
  const extra = { detail: failure.detail, reason: failure.reason, rejected: failure.rejected, cause };
  switch (failure.kind) {
    case 'rejected_recipients':
      throw new SendError('recipient_rejected', sentence, extra);
    case 'rejected_message':
      throw new SendError('message_rejected', sentence, extra);
    case 'auth':
    case 'tls':
      await s.inboxes.markDisconnected(loaded.inbox.id, failure.reason ?? 'password_rejected', failure.detail);
      throw new SendError(failure.kind === 'auth' ? 'smtp_auth_failed' : 'smtp_tls_invalid', sentence, extra);
    case 'transient':
      throw new SendError('smtp_transient', sentence, extra);
    case 'uncertain':
      throw new SendError('send_outcome_unknown', sentence, extra);
  }
}

// Step 7: the Sent copy (not for providers that file it themselves).
async function fileSentCopy(emailId: string, state: SendJobState, loaded: LoadedInbox, s: Scoped, deps: SendDeps): Promise<SendJobResult['sentCopyStatus']> {
  const outcome = await appendSentCopy({
    settings: loaded.imap,
    credentials: loaded.credentials,
    connect: deps.ca ? { ca: deps.ca } : {},
    messageId: state.messageId,
    raw: Buffer.from(state.rawBase64, 'base64'),
    date: new Date(state.date),
    cachedMailbox: loaded.inbox.sentMailbox,
    timeoutMs: timeoutsOf(deps).sentCopyMs,
    ...(deps.createImap ? { createClient: deps.createImap } : {}),
  }).catch(async (error: unknown) => {
    const cls = classifyMailError(error, loaded.credentials);
    if ((cls.kind === 'auth' || cls.kind === 'tls') && cls.reason) {
      // The email went out and is logged; the copy waits for the reconnect (status stays pending).
      await s.inboxes.markDisconnected(loaded.inbox.id, cls.reason, cls.detail);
      deps.logger.warn({ emailId, inboxId: loaded.inbox.id, reason: cls.reason }, 'sent copy not filed: inbox disconnected');
      return null;
    }
    // Retried by the queue; the retry finds the email logged and only files the copy.
    throw new SendError('smtp_transient', `The email was sent, but filing its copy in the Sent folder of ${loaded.inbox.address} failed; it will be tried again.`, { detail: cls.detail, cause: error });
  });
  if (!outcome) return 'pending';
  if (outcome.mailbox && outcome.mailbox !== loaded.inbox.sentMailbox) await s.inboxes.setSentMailbox(loaded.inbox.id, outcome.mailbox);
  await s.emails.setSentCopyStatus(emailId, outcome.status);
  return outcome.status;
}

/** A recipient as the logged email stores it: the bare address (lower-cased like `from`), and the name if any. */
const stored = (r: { address: string; name: string }) => ({ address: r.address.toLowerCase(), ...(r.name ? { name: r.name } : {}) });

/** The attachments as the timeline stores them (the files were read once already to build the message). */
async function attachmentContents(data: SendJobData): Promise<AttachmentInput[]> {
  const out: AttachmentInput[] = [];
  for (const a of data.attachments ?? []) {
    const content = a.contentBase64 !== undefined ? Buffer.from(a.contentBase64, 'base64') : a.path ? await readFile(a.path).catch(() => null) : null;
    if (content) out.push({ filename: a.filename, contentType: a.contentType ?? 'application/octet-stream', content });
  }
  return out;
}

/**
 * Sends one CRM email. Throws SendError: `retryable` ones (smtp_transient) should be retried with
 * backoff; the others are final. Safe to call again with the same data and state store.
 */
export async function sendEmail(data: SendJobData, deps: SendDeps): Promise<SendJobResult> {
  const recipients = validate(data);
  const progress: Progress = { stage: 'loading the inbox', address: null };
  const { totalMs } = timeoutsOf(deps);
  return withDeadline(runSend(data, recipients, progress, deps), totalMs, () => {
    const from = progress.address ?? `inbox ${data.inboxId}`;
    const mayHaveGone = progress.stage !== 'loading the inbox' && progress.stage !== 'preparing the message';
    return new SendError(
      'send_timed_out',
      `The send from ${from} stopped making progress while ${progress.stage} and was given up after ${totalMs / 1000} s; ` +
        (mayHaveGone
          ? 'the email may already have been sent, so it is not sent again. Check with the recipient before sending again with a new key.'
          : 'nothing was sent. Send it again with a new key.'),
    );
  });
}

async function runSend(data: SendJobData, recipients: SendRecipients, progress: Progress, deps: SendDeps): Promise<SendJobResult> {
  const s = scoped(deps.db, data.accountId);
  const loaded = await loadInbox(s, data, deps);
  progress.address = loaded.inbox.address;
  progress.stage = 'preparing the message';
  const log = { accountId: data.accountId, inboxId: data.inboxId, sendId: data.sendId };

  // Step 2: already sent with this key (an earlier attempt or submit got past SMTP): don't send again.
  const messageId = deps.state.load()?.messageId ?? sendMessageId(data.accountId, data.sendId, loaded.inbox.address);
  const logged = await s.emails.getByMessageId(messageId);
  let rejected: string[] = [];
  let emailId: string;
  let threadId: string;
  let sentCopyStatus = logged?.sentCopyStatus ?? 'pending';
  const providerFiles = PROVIDERS_FILING_SENT.has(loaded.inbox.provider);
  const state = logged ? deps.state.load() : await prepare(data, recipients, loaded, s, deps);

  if (logged) {
    emailId = logged.id;
    threadId = logged.threadId;
  } else {
    // Steps 3-4: the bytes, then SMTP.
    progress.stage = 'handing the message to the mail server';
    rejected = await smtpSend(recipients, state!, loaded, s, deps);
    progress.stage = 'recording the sent email';
    deps.logger.info({ ...log, messageId, rejected: rejected.length }, 'email sent');

    // Step 5: recipients who are not contacts become contacts of the sender (never-log respected).
    await createRecipientContacts(s, {
      recipients: bareAddresses(recipients).filter((address) => !rejected.includes(address)),
      ownerUserId: loaded.inbox.userId,
      ownAddresses: [loaded.inbox.address, ...loaded.inbox.aliases],
    });

    // Step 6: the logged email (thread owner = the sending user), with its associations.
    sentCopyStatus = providerFiles ? 'skipped_provider_files_sent' : 'pending';
    const attachments = await attachmentContents(data);
    const result = await s.emails.logOutbound({
      source: 'crm_send',
      messageId,
      userId: loaded.inbox.userId,
      inboxId: loaded.inbox.id,
      from: { address: loaded.inbox.address },
      to: recipients.to.map(stored),
      cc: recipients.cc.map(stored),
      subject: data.subject,
      sentAt: new Date(state!.date),
      textBody: data.text ?? null,
      htmlBody: data.html ?? null,
      contactIds: data.associations?.contactIds ?? [],
      companyIds: data.associations?.companyIds ?? [],
      dealIds: data.associations?.dealIds ?? [],
      attachments,
      sentCopyStatus,
    });
    emailId = result.emailId;
    threadId = result.threadId;
  }

  // Step 7: the Sent copy.
  progress.stage = 'filing the Sent copy';
  if (providerFiles) {
    if (sentCopyStatus !== 'skipped_provider_files_sent') await s.emails.setSentCopyStatus(emailId, 'skipped_provider_files_sent');
    sentCopyStatus = 'skipped_provider_files_sent';
  } else if (sentCopyStatus === 'pending') {
    if (state) sentCopyStatus = await fileSentCopy(emailId, state, loaded, s, deps);
    else deps.logger.warn({ ...log, emailId }, 'sent copy pending but the sent bytes are gone (job removed); not filed');
  }
  return { emailId, threadId, messageId, sentCopyStatus, rejected, alreadySent: Boolean(logged) };
}
