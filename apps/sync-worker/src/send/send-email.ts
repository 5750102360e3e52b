// One CRM send, in the order a support person would explain it (see README.md for why each step is
// where it is): load the saved outgoing email and check what it names, stop if this key was already
// sent, build (or reload) the exact bytes, send once over SMTP, add new recipients as contacts, log the
// email, file the copy in Sent. Every step's state lives in the outgoing email's row in PostgreSQL.
import type { AttachmentInput, BuiltOutgoing, Db, EncryptionKeys, OutgoingAttachment, Scoped } from '@reply-sync/db';
import { scoped } from '@reply-sync/db';
import { classifyMailError, createImapClient, createSmtpTransport } from '@reply-sync/mail';
import type { LoginBudget, SendJobData, SendJobResult } from '@reply-sync/queue';
import { buildMessage, sendMessageId } from './build-message';
import { classifySmtpFailure, smtpFailureSentence, type SmtpFailure } from './classify-smtp-failure';
import { loadSend, type LoadedSend } from './load-send';
import { oauthCredentials, type AccessTokenProvider } from './oauth-credentials';
import { bareAddresses } from './parse-recipients';
import { createRecipientContacts } from './recipient-contacts';
import { appendSentCopy } from './sent-copy';
import { SendError } from './send-error';
import { trackedHtml, type TrackingConfig } from './tracked-html';
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
  now?: () => Date;
  /** For tests: shorter deadlines. */
  timeouts?: Partial<SendTimeouts> | undefined;
  /** For tests: other SMTP/IMAP factories. */
  createTransport?: typeof createSmtpTransport;
  createImap?: typeof createImapClient;
  /** The fleet's login budget: the Sent copy takes one of the account's extra-connection slots. */
  budget?: Pick<LoginBudget, 'withExtraConnection'> | undefined;
  /** Tracked sends' keys and tracker URL; null or absent: an email asking for tracking goes out untracked (tracking_not_configured). */
  tracking?: TrackingConfig | null | undefined;
}

/** Where a send is, so a send given up on says whether the email may have gone, and stops there. */
interface Progress {
  stage: 'loading the email' | 'preparing the message' | 'handing the message to the mail server' | 'recording the sent email' | 'filing the Sent copy';
  address: string | null;
  /** Set when the overall deadline gave up on this send: the stalled attempt must not go on to SMTP. */
  abandoned: boolean;
}

function timeoutsOf(deps: SendDeps): SendTimeouts {
  return { ...DEFAULT_SEND_TIMEOUTS, ...deps.timeouts };
}

/** Attachments are read from the database once per attempt, and only when needed. */
function attachmentsOnce(s: Scoped, id: string): () => Promise<OutgoingAttachment[]> {
  let loaded: Promise<OutgoingAttachment[]> | undefined;
  return () => (loaded ??= s.outgoingEmails.attachments(id));
}

function giveUpIfAbandoned(progress: Progress): void {
  if (progress.abandoned) throw new SendError('send_timed_out', 'This attempt was given up by its deadline; it stops before sending.');
}

// Step 3: the bytes, built once and saved before anything leaves the process. A tracked email is built
// twice with the same Message-ID and Date: `raw` with the pixel and rewritten links for SMTP, and
// `sentCopyRaw` as written for the Sent folder (the sender's own reading must not count as an open).
async function prepare(loaded: LoadedSend, s: Scoped, attachments: () => Promise<OutgoingAttachment[]>, deps: SendDeps): Promise<BuiltOutgoing> {
  const { email } = loaded;
  if (email.raw && email.messageId && email.messageDate) return { messageId: email.messageId, raw: email.raw, date: email.messageDate, sentCopyRaw: email.sentCopyRaw, trackingPlan: email.trackingPlan };
  const input = {
    email,
    attachments: await attachments(),
    from: { address: loaded.inbox.address, name: loaded.userName },
    recipients: loaded.recipients,
    date: deps.now?.() ?? new Date(),
  };
  if (!email.track) return s.outgoingEmails.saveBuilt(email.id, await buildMessage(input));
  const tracked = await trackedHtml({
    db: deps.db,
    accountId: email.accountId,
    emailId: email.id,
    userId: email.userId,
    recipients: bareAddresses(loaded.recipients),
    htmlBody: email.htmlBody,
    sentAt: input.date,
    config: deps.tracking,
  });
  if (tracked.html === null) return s.outgoingEmails.saveBuilt(email.id, { ...(await buildMessage(input)), trackingPlan: tracked.plan });
  const sent = await buildMessage({ ...input, email: { ...email, htmlBody: tracked.html } });
  const copy = await buildMessage(input);
  return s.outgoingEmails.saveBuilt(email.id, { ...sent, sentCopyRaw: copy.raw, trackingPlan: tracked.plan });
}

/** One SMTP dialogue: the refused recipients when the server took the message, else the classified failure. */
async function smtpAttempt(loaded: LoadedSend, built: BuiltOutgoing, deps: SendDeps): Promise<{ accepted: true; rejected: string[] } | { failure: SmtpFailure; cause?: unknown }> {
  const transport = (deps.createTransport ?? createSmtpTransport)(loaded.smtp, loaded.credentials, deps.ca ? { ca: deps.ca } : {});
  const { smtpMs } = timeoutsOf(deps);
  try {
    // Bare addresses: the envelope carries no display names.
    const recipients = [...loaded.recipients.to, ...loaded.recipients.cc].map((r) => r.address);
    const sending = transport.sendMail({ envelope: { from: loaded.inbox.address, to: recipients }, raw: built.raw });
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

// Step 4: SMTP, at most once. The mark is claimed in the database before the message is handed over
// (one statement, so two attempts cannot both claim it) and cleared only when the server certainly did
// not take it.
async function smtpSend(loaded: LoadedSend, built: BuiltOutgoing, s: Scoped, progress: Progress, deps: SendDeps): Promise<string[]> {
  const { email, inbox } = loaded;
  const outcomeUnknown = (when: string) =>
    new SendError(
      'send_outcome_unknown',
      `An earlier attempt (${when}) stopped while handing this email to the mail server of ${inbox.address}, so it may or may not have been sent; it is not sent again, to avoid a duplicate. Check with the recipient before sending again with a new key.`,
    );
  if (email.smtpStartedAt) throw outcomeUnknown(`at ${email.smtpStartedAt.toISOString()}`);
  giveUpIfAbandoned(progress);
  if (!(await s.outgoingEmails.claimSmtp(email.id))) throw outcomeUnknown('running at the same time');
  giveUpIfAbandoned(progress);
  let attempt = await smtpAttempt(loaded, built, deps);
  if ('accepted' in attempt) return attempt.rejected;
  // The server refused the cached OAuth token. The provider may have invalidated it early with the grant
  // still alive: refresh once and try again (an AUTH failure is before MAIL FROM, so nothing was sent).
  // A grant that really ended fails the refresh, which disconnects the inbox with the provider's words.
  if (attempt.failure.kind === 'auth' && loaded.credentials.kind === 'oauth2') {
    deps.logger.info({ inboxId: inbox.id, detail: attempt.failure.detail }, 'smtp refused the cached oauth token; refreshing it once');
    try {
      loaded.credentials = await oauthCredentials(inbox, s, deps.getAccessToken, timeoutsOf(deps).accessTokenMs, { forceRefresh: true });
    } catch (error) {
      await s.outgoingEmails.releaseSmtp(email.id);
      throw error;
    }
    attempt = await smtpAttempt(loaded, built, deps);
    if ('accepted' in attempt) return attempt.rejected;
  }
  const { failure, cause } = attempt;
  // The server certainly does not have the message unless the failure is `uncertain`.
  if (failure.kind !== 'uncertain') await s.outgoingEmails.releaseSmtp(email.id);
  const sentence = smtpFailureSentence(failure, inbox.address);
  const extra = { detail: failure.detail, reason: failure.reason, rejected: failure.rejected, cause };
  switch (failure.kind) {
    case 'rejected_recipients':
      throw new SendError('recipient_rejected', sentence, extra);
    case 'rejected_message':
      throw new SendError('message_rejected', sentence, extra);
    case 'auth':
    case 'tls':
      await s.inboxes.markDisconnected(inbox.id, failure.reason ?? 'password_rejected', failure.detail);
      throw new SendError(failure.kind === 'auth' ? 'smtp_auth_failed' : 'smtp_tls_invalid', sentence, extra);
    case 'transient':
      throw new SendError('smtp_transient', sentence, extra);
    case 'uncertain':
      throw new SendError('send_outcome_unknown', sentence, extra);
  }
}

// Step 7: the Sent copy (not for providers that file it themselves).
async function fileSentCopy(emailId: string, built: BuiltOutgoing, loaded: LoadedSend, s: Scoped, deps: SendDeps): Promise<SendJobResult['sentCopyStatus']> {
  const outcome = await appendSentCopy({
    settings: loaded.imap,
    credentials: loaded.credentials,
    connect: deps.ca ? { ca: deps.ca } : {},
    messageId: built.messageId,
    // A tracked email's copy has no pixel and its links as written.
    raw: built.sentCopyRaw ?? built.raw,
    date: built.date,
    cachedMailbox: loaded.inbox.sentMailbox,
    timeoutMs: timeoutsOf(deps).sentCopyMs,
    budget: deps.budget,
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

/** The attachments as the timeline stores them. */
const timelineAttachments = (list: OutgoingAttachment[]): AttachmentInput[] =>
  list.map((a) => ({ filename: a.filename, contentType: a.contentType ?? 'application/octet-stream', content: a.content }));

/**
 * Sends the outgoing email a job names. Throws SendError: `retryable` ones (smtp_transient) should be
 * retried with backoff; the others are final. Safe to call again with the same job.
 */
export async function sendEmail(job: SendJobData, deps: SendDeps): Promise<SendJobResult> {
  const progress: Progress = { stage: 'loading the email', address: null, abandoned: false };
  const { totalMs } = timeoutsOf(deps);
  return withDeadline(runSend(job, progress, deps), totalMs, () => {
    progress.abandoned = true;
    const from = progress.address ?? `outgoing email ${job.outgoingEmailId}`;
    const mayHaveGone = progress.stage !== 'loading the email' && progress.stage !== 'preparing the message';
    return new SendError(
      'send_timed_out',
      `The send from ${from} stopped making progress while ${progress.stage} and was given up after ${totalMs / 1000} s; ` +
        (mayHaveGone
          ? 'the email may already have been sent, so it is not sent again. Check with the recipient before sending again with a new key.'
          : 'nothing was sent. Send it again with a new key.'),
    );
  });
}

async function runSend(job: SendJobData, progress: Progress, deps: SendDeps): Promise<SendJobResult> {
  const s = scoped(deps.db, job.accountId);
  // Step 1: the saved email, its recipients, inbox and user, all of this account.
  const loaded = await loadSend(s, job, { keys: deps.keys, getAccessToken: deps.getAccessToken, accessTokenMs: timeoutsOf(deps).accessTokenMs });
  const { email, inbox } = loaded;
  progress.address = inbox.address;
  progress.stage = 'preparing the message';
  const log = { accountId: job.accountId, inboxId: inbox.id, outgoingEmailId: email.id };
  const attachments = attachmentsOnce(s, email.id);

  // Step 2: already sent with this key (an earlier attempt got past SMTP and logged it): don't send again.
  const messageId = email.messageId ?? sendMessageId(job.accountId, email.sendId, inbox.address);
  const logged = await s.emails.getByMessageId(messageId);
  let rejected = email.rejected;
  let emailId: string;
  let threadId: string;
  let sentCopyStatus = logged?.sentCopyStatus ?? 'pending';
  const providerFiles = PROVIDERS_FILING_SENT.has(inbox.provider);
  // A logged email is never rebuilt: its Sent copy must be the bytes that were sent, or none.
  const built = logged && !email.raw ? null : await prepare(loaded, s, attachments, deps);

  if (logged) {
    emailId = logged.id;
    threadId = logged.threadId;
    // A crash between logging and recording the result: record it now.
    if (email.status !== 'sent') await s.outgoingEmails.markSent(email.id, { emailId, rejected });
  } else {
    // Steps 3-4: the bytes, then SMTP.
    progress.stage = 'handing the message to the mail server';
    rejected = await smtpSend(loaded, built!, s, progress, deps);
    progress.stage = 'recording the sent email';
    deps.logger.info({ ...log, messageId, rejected: rejected.length }, 'email sent');

    // Step 5: recipients who are not contacts become contacts of the sender (never-log respected).
    await createRecipientContacts(s, {
      recipients: bareAddresses(loaded.recipients).filter((address) => !rejected.includes(address)),
      ownerUserId: email.userId,
      ownAddresses: [inbox.address, ...inbox.aliases],
    });

    // Step 6: the logged email (thread owner = the sending user), with its associations, then the result.
    sentCopyStatus = providerFiles ? 'skipped_provider_files_sent' : 'pending';
    const result = await s.emails.logOutbound({
      source: 'crm_send',
      messageId,
      userId: email.userId,
      inboxId: inbox.id,
      from: { address: inbox.address },
      to: loaded.recipients.to.map(stored),
      cc: loaded.recipients.cc.map(stored),
      subject: email.subject,
      sentAt: built!.date,
      textBody: email.textBody,
      htmlBody: email.htmlBody,
      contactIds: email.contactIds,
      companyIds: email.companyIds,
      dealIds: email.dealIds,
      attachments: timelineAttachments(await attachments()),
      sentCopyStatus,
    });
    emailId = result.emailId;
    threadId = result.threadId;
    await s.outgoingEmails.markSent(email.id, { emailId, rejected });
  }

  // Step 7: the Sent copy.
  progress.stage = 'filing the Sent copy';
  if (providerFiles) {
    if (sentCopyStatus !== 'skipped_provider_files_sent') await s.emails.setSentCopyStatus(emailId, 'skipped_provider_files_sent');
    sentCopyStatus = 'skipped_provider_files_sent';
  } else if (sentCopyStatus === 'pending') {
    if (built) sentCopyStatus = await fileSentCopy(emailId, built, loaded, s, deps);
    else deps.logger.warn({ ...log, emailId }, 'sent copy pending but the email was logged without the sent bytes; not filed');
  }
  return { emailId, threadId, messageId, sentCopyStatus, rejected, alreadySent: Boolean(logged) };
}
