// One long IMAP session for one inbox (held by the worker that owns its shard: fleet/): load the inbox,
// connect, EXAMINE INBOX, catch up from the checkpoint, then IDLE (or poll) until the session's maximum
// age (hours), catching up on every EXISTS; the IDLE is renewed by a NOOP every watchdog interval. A supervisor rebuilds the client with jittered backoff when the connection drops, and maps
// errors to the inbox's status (auth → disconnected at once, transient → retry until it persists).
// The session ends within a second when its inbox is disconnected, removed or given new credentials
// (the worker's InboxChangeListener; inbox-watch.ts), and at the latest at the next watchdog tick.
import type { ImapFlow } from 'imapflow';
import { CredentialsDecryptError, toInboxContext, type Db, type EncryptionKeys } from '@reply-sync/db';
import { classifyMailError, createImapClient, gateLogin, lastErrorFor, type ConnectOptions, type ImapSettings, type MailCredentials } from '@reply-sync/mail';
import { LoginBudgetError, type InboundQueue, type InboxJobData, type LoginBudget } from '@reply-sync/queue';
import type { NeverLogEntry, SenderVerificationPolicy } from '@reply-sync/threading';
import { backoffDelay, sleep } from './backoff';
import { catchUp, type CatchUpState } from './catch-up';
import { FIRST_CONNECT_WINDOW, firstConnectBaseline, startCheckpoint, type Arrival } from './checkpoint';
import { createCrmStore, type CrmStore, type InboxRecord, type StoredCredentials } from './crm-store';
import type { Logger } from './logger';
import type { WorkerMetrics } from './metrics';
import type { InboxChangeListener } from './inbox-change-listener';
import { inboxEnd, watchInbox, type InboxEnd, type InboxWatch } from './inbox-watch';
import { readLoggingFolders } from './logging-mailbox';
import { errorAction } from './session-errors';
import { WakeSignal, withTimeout } from './wake-signal';

export interface SessionConfig {
  sessionMaxMs: number;
  watchdogIntervalMs: number;
  pollIntervalMs: number;
  transientDisconnectAfterMs: number;
  catchUpBatchSize: number;
  /** A logging mailbox's messages over this are not read (logging-mailbox.ts); default 75 MB. */
  loggingMaxMessageBytes?: number;
  /** How long a NOOP (watchdog) or LOGOUT may take before the connection is presumed dead. */
  commandTimeoutMs?: number;
  /** How often the session re-reads its inbox row (the fallback for a change the listener missed). */
  inboxRecheckMs?: number;
}

export interface SessionDeps {
  db: Db;
  keys: EncryptionKeys;
  logger: Logger;
  metrics: WorkerMetrics;
  config: SessionConfig;
  tlsCa?: string;
  /**
   * Credentials for the login. Default: the stored password, or the stored access token for oauth2.
   * The OAuth refresh plugs in here (a fresh token per session; sessions are minutes, tokens an hour).
   * Return null when the inbox cannot log in (the hook has recorded why); throw for a transient failure.
   */
  credentialsFor?: (inbox: InboxRecord & { credentials: StoredCredentials }) => Promise<MailCredentials | null>;
  /** Builds the (unconnected) IMAP client; createImapClient by default. */
  createClient?: (settings: ImapSettings, credentials: MailCredentials, options: ConnectOptions) => ImapFlow;
  /** The worker's LISTEN on inbox changes; without it only the watchdog notices a disconnect. */
  inboxChanges?: Pick<InboxChangeListener, 'watch'>;
  /** The fleet-wide login budget every login waits for (none: log in at once). */
  loginBudget?: Pick<LoginBudget, 'acquireLogin' | 'acquireConnect'>;
  /**
   * apps/inbound's queue, for a logging mailbox's messages. Without it they stay spooled until
   * apps/inbound's start-up sweep queues them.
   */
  inboundQueue?: Pick<InboundQueue, 'enqueue' | 'close'>;
}

export type SessionOutcome =
  /** The inbox is still connected: run a new session after delayMs (its maximum age, new credentials, an error). */
  | { kind: 'requeue'; delayMs: number; why: string }
  /** The inbox is disconnected, removed or gone: no new session. */
  | { kind: 'finished'; why: string };

/** With the 45 s watchdog: a silently dead link is noticed within a minute. */
const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
const DEFAULT_INBOX_RECHECK_MS = 5 * 60_000;
/** The login budget lives in Redis; while it cannot be asked, try again after this long. */
const LOGIN_BUDGET_RETRY_MS = 5_000;
/** A credentials blob we cannot decrypt for want of the right key is an operator problem, not the inbox's. */
const UNDECRYPTABLE_RETRY_MS = 60_000;
/**
 * Decrypt failures that are this row's own and need a reconnect: a value copied from another inbox, or
 * not ours at all. `unknown_key_id` and `tampered` (which is also what a wrong key gives) may be the
 * key configuration, which the operator fixes without touching the inboxes: those retry.
 */
const RECONNECT_DECRYPT_CODES: ReadonlySet<CredentialsDecryptError['code']> = new Set(['bound_to_other_inbox', 'malformed']);

/** inbox_changed: a change was heard but the row, re-read, looks fine (requeue: a new session re-loads it). */
type ConnectionEnd = 'deadline' | 'stopped' | InboxEnd | 'inbox_changed';

class ConnectionClosedError extends Error {
  readonly code = 'EConnectionClosed';
  constructor() {
    super('The IMAP server closed the connection');
  }
}

/** postgres.js errors (and drizzle's wrapper around them) carry a SQLSTATE and a severity. */
export function isDatabaseError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const f = e as { name?: unknown; severity?: unknown; query?: unknown };
    if (f.name === 'PostgresError' || (typeof f.query === 'string' && 'params' in f)) return true;
  }
  return false;
}

function credentialsOf(inbox: InboxRecord & { credentials: StoredCredentials }): MailCredentials | null {
  if (inbox.authKind === 'oauth2') {
    return inbox.credentials.accessToken ? { kind: 'oauth2', username: inbox.username, accessToken: inbox.credentials.accessToken } : null;
  }
  return inbox.credentials.password !== undefined ? { kind: 'password', username: inbox.username, password: inbox.credentials.password } : null;
}

export interface SessionHooks {
  /** Called each time a connection sends its LOGIN/AUTHENTICATE (its login-budget turn came). */
  onLogin?: () => void;
  /** Called each time a connection has logged in and examined INBOX. */
  onReady?: () => void;
}

export async function runInboxSession(deps: SessionDeps, job: InboxJobData, stop: AbortSignal, hooks: SessionHooks = {}): Promise<SessionOutcome> {
  // Watch before the first read, so a change committed after that read is heard.
  const watch = watchInbox(deps.inboxChanges, job.inboxId, stop);
  try {
    return await runWatchedSession(deps, job, stop, watch, hooks);
  } finally {
    watch.stop();
  }
}

async function runWatchedSession(deps: SessionDeps, job: InboxJobData, stop: AbortSignal, watch: InboxWatch, hooks: SessionHooks): Promise<SessionOutcome> {
  const log = deps.logger.child({ inboxId: job.inboxId, accountId: job.accountId });
  const store = createCrmStore(deps.db, job.accountId, job.inboxId, deps.keys);
  // Everything below stops on either: the worker stopping, or the inbox changing.
  const { signal } = watch;
  let inbox: Awaited<ReturnType<CrmStore['loadInbox']>>;
  try {
    inbox = await store.loadInbox();
  } catch (error) {
    if (error instanceof CredentialsDecryptError) {
      log.error({ code: error.code, err: error.message }, 'cannot decrypt the inbox credentials');
      if (RECONNECT_DECRYPT_CODES.has(error.code)) {
        await store.markDisconnected('credentials_invalid', error.message);
        return { kind: 'finished', why: 'credentials_invalid' };
      }
      return { kind: 'requeue', delayMs: UNDECRYPTABLE_RETRY_MS, why: 'credentials_undecryptable' };
    }
    if ((error as { code?: string }).code === 'inbox_removed') return { kind: 'finished', why: 'inbox_removed' };
    throw error;
  }
  if (!inbox) return { kind: 'finished', why: 'inbox_missing' };
  if (inbox.status !== 'connected') return { kind: 'finished', why: `inbox_${inbox.status}` };
  watch.loaded(inbox.credentialsVersion);
  const current = inbox;
  const afterChange = async (): Promise<SessionOutcome> => outcomeOf((await inboxEnd(store, current)) ?? 'inbox_changed');
  let credentials: MailCredentials | null;
  if (deps.credentialsFor) {
    try {
      credentials = await deps.credentialsFor(inbox);
    } catch (error) {
      if (isDatabaseError(error)) throw error;
      const delayMs = backoffDelay(3);
      log.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: delayMs }, 'could not get credentials; retrying');
      return { kind: 'requeue', delayMs, why: 'credentials_unavailable' };
    }
    if (!credentials) return { kind: 'finished', why: 'no_credentials' };
  } else {
    credentials = credentialsOf(inbox);
  }
  if (!credentials) {
    await store.markDisconnected(inbox.authKind === 'oauth2' ? 'oauth_revoked' : 'password_rejected', 'no credentials are stored for this inbox');
    return { kind: 'finished', why: 'no_credentials' };
  }

  // ±10 % jitter, so sessions started together (a worker restart) do not all end together either.
  const deadline = Date.now() + Math.round(deps.config.sessionMaxMs * (0.9 + Math.random() * 0.2));
  const neverLog = await store.neverLogEntries();
  const senderVerification = await store.senderVerificationPolicy();
  let hadErrors = inbox.firstErrorAt !== null;
  let attempt = 0;
  while (!signal.aborted && Date.now() < deadline) {
    try {
      const end = await runConnection(deps, { store, inbox, credentials, neverLog, senderVerification, deadline, signal, inboxChanged: watch.changed, log, onLogin: hooks.onLogin }, async () => {
        // Logged in and INBOX examined: a run of transient errors is over. Only for a connected
        // inbox: one disconnected meanwhile (health check, send path) stays disconnected.
        if (hadErrors) {
          hadErrors = false;
          await store.endErrorRun();
        }
        attempt = 0;
        hooks.onReady?.();
      });
      return outcomeOf(end);
    } catch (error) {
      // Our own database failing is not the inbox's fault: no transient error on its record (which
      // would end as server_unreachable); the worker requeues the job after a pause.
      if (isDatabaseError(error)) throw error;
      // The inbox changed meanwhile (disconnected, removed, new credentials): whatever failed, the
      // error is not recorded against it; the row says how the session ends.
      if (watch.changed.aborted) return afterChange();
      // Stopped (handover, shutdown) while waiting for a login turn or connecting: nothing failed.
      if (stop.aborted) return { kind: 'requeue', delayMs: 0, why: 'stopped' };
      // The fleet's login budget could not be asked (Redis away): not the inbox's fault either.
      if (error instanceof LoginBudgetError) return { kind: 'requeue', delayMs: LOGIN_BUDGET_RETRY_MS, why: 'login_budget_unavailable' };
      const cls = classifyMailError(error, credentials);
      deps.metrics.sessionErrors.inc({ kind: cls.kind });
      const firstErrorAt =
        cls.kind === 'auth' || cls.kind === 'tls'
          ? null
          : await store.recordTransientError(lastErrorFor(cls), { throttled: cls.throttle !== undefined });
      const action = errorAction(cls, {
        firstErrorAt,
        now: new Date(),
        disconnectAfterMs: deps.config.transientDisconnectAfterMs,
        attempt,
      });
      if (action.kind === 'disconnect') {
        log.warn({ kind: cls.kind, reason: action.reason, detail: cls.detail }, 'disconnecting inbox');
        await store.markDisconnected(action.reason, cls.detail);
        return { kind: 'finished', why: action.reason };
      }
      hadErrors = true;
      attempt++;
      const delay = action.delayMs;
      log.warn({ kind: cls.kind, throttle: action.throttle, detail: cls.detail, retryInMs: delay, attempt }, 'IMAP connection failed; retrying');
      deps.metrics.reconnects.inc({ kind: cls.kind });
      if (Date.now() + delay >= deadline) return { kind: 'requeue', delayMs: delay, why: 'transient_error' };
      await sleep(delay, signal);
    }
  }
  if (watch.changed.aborted) return afterChange();
  return { kind: 'requeue', delayMs: 0, why: stop.aborted ? 'stopped' : 'deadline' };
}

/** A disconnected, removed or deleted inbox's job completes (and is deleted); any other end requeues at once. */
function outcomeOf(end: ConnectionEnd): SessionOutcome {
  return end === 'inbox_not_connected' ? { kind: 'finished', why: end } : { kind: 'requeue', delayMs: 0, why: end };
}

interface ConnectionInput {
  store: CrmStore;
  inbox: InboxRecord;
  credentials: MailCredentials;
  neverLog: NeverLogEntry[];
  senderVerification: SenderVerificationPolicy;
  deadline: number;
  /** Aborts on a stop or an inbox change. */
  signal: AbortSignal;
  /** Aborts on an inbox change only. */
  inboxChanged: AbortSignal;
  log: Logger;
  onLogin?: (() => void) | undefined;
}

/** One IMAP connection: returns why it ended normally, throws when it failed or dropped. */
async function runConnection(deps: SessionDeps, input: ConnectionInput, onReady: () => Promise<void>): Promise<ConnectionEnd> {
  const { store, inbox, log, signal } = input;
  const commandTimeout = deps.config.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const settings: ImapSettings = { host: inbox.imapHost, port: inbox.imapPort, tls: inbox.imapTls, allowPlaintext: inbox.allowPlaintext };
  // Every login waits its turn in the fleet-wide budget of its host (a whole fleet restarting logs in
  // at the host's rate, not all at once). The turn is taken by the LOGIN command itself, after the
  // greeting (gateLogin below): the connections' set-up times (TCP, TLS, greeting, CAPABILITY) vary,
  // and with the turn taken before connecting they bunched the logins the host counts (128 in a
  // second at 100/s). The connects are paced at the same rate, so a restart does not open every
  // connection at once to wait unauthenticated for its turn: a connection waits about its set-up's jitter.
  const budget = deps.loginBudget;
  await budget?.acquireConnect(settings.host, { signal });
  // The watchdog's NOOP finds a dead link only between commands; one that dies under a FETCH (a
  // catch-up) is found by the socket's silence. A healthy session is never quiet longer than a watchdog
  // interval (the NOOP), so silence past the interval plus a command's timeout means the link is dead
  // (imapflow's default, 5 min, kept the inbox's replies waiting that long).
  const socketTimeoutMs = deps.config.watchdogIntervalMs + commandTimeout;
  const client = (deps.createClient ?? createImapClient)(settings, input.credentials, { ...(deps.tlsCa ? { ca: deps.tlsCa } : {}), socketTimeoutMs });
  gateLogin(client, async () => {
    await budget?.acquireLogin(settings.host, { signal });
    input.onLogin?.();
  });
  const wake = new WakeSignal();
  let closed = false;
  let lastError: unknown = null;
  const state: CatchUpState = { lastUid: 0, knownMaxUid: 0, existsSeenAt: null };
  let pendingCatchUp = true;
  const unopenable = new Set<string>();
  client.on('error', (error: unknown) => {
    lastError = error;
    wake.notify();
  });
  client.on('close', () => {
    closed = true;
    wake.notify();
  });
  client.on('exists', () => {
    state.existsSeenAt ??= performance.now();
    pendingCatchUp = true;
    wake.notify();
  });
  const onAbort = () => wake.notify();
  signal.addEventListener('abort', onAbort);
  let counted = false;
  try {
    await client.connect();
    // EXAMINE: read-only, so nothing this session does can change a flag on the server.
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
    const uidValidity = Number(mailbox.uidValidity);
    const start = startCheckpoint(
      { uidvalidity: inbox.uidvalidity, lastUid: inbox.lastUid },
      { uidValidity, uidNext: mailbox.uidNext },
    );
    if (start.kind === 'baseline' && start.why === 'first_connect' && inbox.connectedSince && mailbox.exists > 0) {
      start.lastUid = firstConnectBaseline(await newestArrivals(client, mailbox.uidNext), inbox.connectedSince, mailbox.uidNext);
    }
    if (start.kind === 'baseline') {
      await store.saveCheckpoint({ uidvalidity: start.uidvalidity, lastUid: start.lastUid });
      log.info({ why: start.why, uidvalidity: start.uidvalidity, lastUid: start.lastUid }, 'checkpoint baselined at UIDNEXT-1');
    }
    // A reconnect within this session resumes from what this session already committed.
    inbox.uidvalidity = start.uidvalidity;
    inbox.lastUid = start.lastUid;
    state.lastUid = start.lastUid;
    state.knownMaxUid = Math.max(0, mailbox.uidNext - 1);
    await onReady();
    deps.metrics.inboxesConnected.inc();
    counted = true;
    const supportsIdle = client.capabilities.has('IDLE');
    const specialUse = mailbox.specialUse && mailbox.specialUse !== '\\Inbox' ? mailbox.specialUse : undefined;
    let nextWatchdog = Date.now() + deps.config.watchdogIntervalMs;
    const recheckMs = deps.config.inboxRecheckMs ?? DEFAULT_INBOX_RECHECK_MS;
    let nextRecheck = Date.now() + recheckMs;
    let nextPoll = Date.now() + deps.config.pollIntervalMs;

    for (;;) {
      // A heard change first: a disconnect is answered even when the server dropped us meanwhile.
      if (input.inboxChanged.aborted) return (await inboxEnd(store, inbox)) ?? 'inbox_changed';
      if (closed) throw lastError ?? new ConnectionClosedError();
      if (signal.aborted) return 'stopped';
      if (pendingCatchUp && inbox.logging) {
        // The logging mailbox: its folders go to apps/inbound's pipeline, not to reply sync.
        pendingCatchUp = false;
        await readLoggingFolders({
          client,
          store: store.logging,
          accountId: inbox.accountId,
          inbox,
          ...(deps.config.loggingMaxMessageBytes ? { maxMessageBytes: deps.config.loggingMaxMessageBytes } : {}),
          enqueue: (jobs) => deps.inboundQueue?.enqueue(jobs) ?? Promise.resolve(),
          unopenable,
          logger: log,
          signal,
        });
        continue;
      }
      if (pendingCatchUp) {
        pendingCatchUp = false;
        await catchUp(
          {
            client,
            store,
            inbox: toInboxContext(inbox, { senderVerification: input.senderVerification }),
            mailbox: { path: mailbox.path, ...(specialUse ? { specialUse } : {}) },
            uidvalidity: uidValidity,
            batchSize: deps.config.catchUpBatchSize,
            neverLog: input.neverLog,
            metrics: deps.metrics,
            logger: log,
            signal,
          },
          state,
        );
        inbox.lastUid = state.lastUid;
        continue;
      }
      const now = Date.now();
      if (now >= input.deadline) return 'deadline';
      if (now >= nextWatchdog) {
        nextWatchdog = now + deps.config.watchdogIntervalMs;
        // Ends the IDLE (DONE) and asks for a NOOP: the IDLE is re-issued every watchdog interval
        // without a new login, and a link that died silently (NAT, a half-open socket) shows as a
        // command that never answers, within the interval plus the command timeout.
        await withTimeout(client.noop(), commandTimeout, 'NOOP');
        if (!pendingCatchUp) await store.touchSynced(); // the server answers and nothing is left to read
        if (now >= nextRecheck) {
          nextRecheck = now + recheckMs;
          // The fallback for a change the listener did not hear (its connection was down).
          const end = await inboxEnd(store, inbox);
          if (end) return end;
        }
        continue;
      }
      if (inbox.logging && now >= nextPoll) {
        // IDLE watches one folder only: a logging mailbox reads all of its folders every poll.
        nextPoll = now + deps.config.pollIntervalMs;
        pendingCatchUp = true;
        continue;
      }
      if (!supportsIdle && now >= nextPoll) {
        nextPoll = now + deps.config.pollIntervalMs;
        await withTimeout(client.noop(), commandTimeout, 'NOOP');
        continue;
      }
      if (supportsIdle && !client.idling) {
        // Runs until the next command breaks it (imapflow sends DONE first).
        client.idle().catch((error: unknown) => {
          lastError = error;
          wake.notify();
        });
      }
      const until = Math.min(input.deadline, nextWatchdog, supportsIdle && !inbox.logging ? Infinity : nextPoll);
      await wake.wait(until - Date.now());
    }
  } catch (error) {
    // A command that never answered (the watchdog's NOOP): the link is dead, and a LOGOUT would only
    // wait out its own timeout (5 s) before the next connection.
    if ((error as { code?: unknown } | null)?.code === 'ETIMEDOUT') closed = true;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (counted) deps.metrics.inboxesConnected.dec();
    await endConnection(client, closed, commandTimeout);
  }
}

/** UID and INTERNALDATE of the newest messages: a few bytes each, fetched whole before anything else runs. */
async function newestArrivals(client: ImapFlow, uidNext: number): Promise<Arrival[]> {
  const from = Math.max(1, uidNext - FIRST_CONNECT_WINDOW);
  const messages = await client.fetchAll(`${from}:*`, { uid: true, internalDate: true }, { uid: true });
  return messages
    .filter((m) => m.uid >= from && m.internalDate)
    .map((m) => ({ uid: m.uid, arrivedAt: new Date(m.internalDate as Date | string) }))
    .sort((a, b) => a.uid - b.uid);
}

/** LOGOUT when the connection is still up (it breaks IDLE first), then close the socket. */
async function endConnection(client: ImapFlow, closed: boolean, timeoutMs: number): Promise<void> {
  if (!closed && client.usable) {
    await withTimeout(client.logout(), Math.min(timeoutMs, 5_000), 'LOGOUT').catch(() => undefined);
  }
  client.close();
}
