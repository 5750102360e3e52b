// `explain --look` (CLI) and the console's "look in the folders": finds a message in the folders of the
// account's inboxes and decides it the way the worker would, so a reply the worker never examines (filed in a subfolder or Junk by a server-side
// filter; the worker reads only the INBOX) still gets a recorded decision with its reason code. Each
// inbox is searched over one short connection inside the fleet's login budget (the CLI's look-budget.ts).
import type { DecisionInput, EncryptionKeys, Inbox, Scoped } from '@reply-sync/db';
import { createImapClient, locateMessage, type LocatedMessage, type MailCredentials } from '@reply-sync/mail';
import {
  decideMessages,
  formatMessageId,
  HEADER_FIELDS_FOR_SCAN,
  messageFactsFromHeaders,
  normalizeMessageId,
  type Decision,
  type InboxContext,
  type MessageFacts,
  type ReasonCode,
} from '@reply-sync/threading';
import { OperationError } from './operation-error';

/** The stored credentials' shape (the sync worker's StoredCredentials): what a look needs of them. */
interface StoredCredentials {
  password?: string;
  accessToken?: string;
}

/** The part of the fleet's login budget (@reply-sync/queue LoginBudget) a look uses. */
export interface LookLoginBudget {
  withExtraConnection<T>(target: { host: string; username: string }, run: () => Promise<T>, options: { maxWaitMs: number; signal?: AbortSignal }): Promise<T>;
}

export interface LookDeps {
  keys: EncryptionKeys;
  tlsCa?: string | undefined;
  /** The fleet's login budget (look-budget.ts); without it, why not. */
  budget?: LookLoginBudget | undefined;
  budgetNote?: string | undefined;
}

/** How long `explain` waits for one of the account's connection slots before reporting the inbox as busy. */
export const LOOK_SLOT_WAIT_MS = 15_000;

export interface FoundCopy {
  inbox: { id: string; address: string };
  mailbox: string;
  specialUse: string | null;
  uidvalidity: number;
  uid: number;
  reasonCode: ReasonCode;
  detail: string | null;
  /**
   * `recorded`: a decision row was written now. `already_recorded`: a row for this (inbox, mailbox,
   * uidvalidity, uid) existed. `left_to_worker`: it sits in the INBOX past the worker's checkpoint, so the worker
   * records (and logs) it itself. `not_recorded`: it would be logged, which only the worker does.
   */
  outcome: 'recorded' | 'already_recorded' | 'left_to_worker' | 'not_recorded';
}

export interface InboxLookProblem {
  inbox: { id: string; address: string };
  problem: string;
}

export interface LookResult {
  messageId: string;
  inboxesSearched: { id: string; address: string }[];
  found: FoundCopy[];
  problems: InboxLookProblem[];
  /**
   * The inboxes the look's deadline (options.signal) left unsearched: never started, or abandoned while
   * waiting for a connection slot or searching (nothing recorded for them). Empty without a deadline.
   */
  notSearched: { id: string; address: string }[];
  /** Whether the deadline came before every inbox was searched. */
  deadlineReached: boolean;
  /** Whether each connection took a slot of the fleet's login budget; when not, why. */
  loginBudget: { applied: boolean; note?: string };
}

function credentialsOf(inbox: Inbox & { credentials: StoredCredentials }): MailCredentials | string {
  if (inbox.authKind === 'oauth2') {
    return inbox.credentials.accessToken
      ? { kind: 'oauth2', username: inbox.username, accessToken: inbox.credentials.accessToken }
      : 'it has no access token yet (the worker refreshes it on its next session)';
  }
  return inbox.credentials.password !== undefined ? { kind: 'password', username: inbox.username, password: inbox.credentials.password } : 'it has no stored password';
}

/** The deadline came while this inbox waited for its slot or was being searched. */
const DEADLINE = Symbol('deadline');

/** One inbox searched inside one of its account's connection slots; without Redis, without the budget. */
async function locateIn(inbox: Inbox & { credentials: StoredCredentials }, messageId: string, deps: LookDeps, result: LookResult, signal: AbortSignal | undefined): Promise<LocatedMessage[] | string | typeof DEADLINE> {
  const credentials = credentialsOf(inbox);
  if (typeof credentials === 'string') return credentials;
  const search = () => connectAndLocate(inbox, credentials, messageId, deps, signal);
  if (!deps.budget) return search();
  try {
    return await deps.budget.withExtraConnection({ host: inbox.imapHost, username: inbox.username }, search, { maxWaitMs: LOOK_SLOT_WAIT_MS, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) return DEADLINE;
    const e = error as { name?: string; code?: string; message?: string };
    if (e.name !== 'LoginBudgetError') throw error;
    if (e.code === 'connection_slots_busy') return `not searched now: ${e.message}`;
    // Redis does not answer: the remaining inboxes are searched without the budget, and the result says so.
    deps.budget = undefined;
    result.loginBudget = { applied: false, note: `${e.message ?? String(error)} So the rest of this look went without the fleet's login budget.` };
    return search();
  }
}

async function connectAndLocate(inbox: Inbox, credentials: MailCredentials, messageId: string, deps: LookDeps, signal: AbortSignal | undefined): Promise<LocatedMessage[] | string | typeof DEADLINE> {
  if (signal?.aborted) return DEADLINE;
  let client: ReturnType<typeof createImapClient>;
  try {
    client = createImapClient({ host: inbox.imapHost, port: inbox.imapPort, tls: inbox.imapTls, allowPlaintext: inbox.allowPlaintext }, credentials, deps.tlsCa ? { ca: deps.tlsCa } : {});
  } catch (error) {
    // Settings refused before connecting (plaintext to a remote host): the sentence says what to do.
    return `cannot search it (${error instanceof Error ? error.message : String(error)})`;
  }
  client.on('error', () => undefined);
  // The deadline drops the connection mid-search; what it had found is not used (nothing recorded for it).
  const onAbort = () => client.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    const hits = await locateMessage(client, messageId, { headerFields: HEADER_FIELDS_FOR_SCAN });
    return signal?.aborted ? DEADLINE : hits;
  } catch (error) {
    if (signal?.aborted) return DEADLINE;
    const e = error as { responseText?: string; message?: string };
    return `cannot search it (${e.responseText ?? e.message ?? String(error)})`;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) client.close();
    else await client.logout().catch(() => client.close());
  }
}

/** Decides one message exactly as the worker's catch-up does (the same decideMessages and queries). */
async function decideLikeTheWorker(s: Scoped, inbox: InboxContext, facts: MessageFacts, messageIdNorm: string): Promise<Decision> {
  const [decision] = await decideMessages([{ facts, messageIdNorm }], inbox, async (keys) => {
    const [threadRefs, loggedMessageIds, contacts, neverLog] = await Promise.all([
      s.emails.findThreadRefs(keys.candidates),
      s.emails.loggedMessageIds(keys.messageIds),
      s.contacts.findByEmails(keys.senders),
      s.neverLog.entries(),
    ]);
    return { threadRefs, loggedMessageIds, contactsByEmail: new Map(contacts.map((c) => [c.email.toLowerCase(), c])), neverLog };
  });
  return decision!;
}

function isWorkersInbox(hit: LocatedMessage): boolean {
  return hit.mailbox.toUpperCase() === 'INBOX' && (hit.specialUse ?? '').toLowerCase() !== '\\junk';
}

export interface LookOptions {
  /** Only this inbox (OperationError `inbox_not_found` when the account has no such inbox). */
  inboxId?: string | undefined;
  /**
   * The look's deadline (e.g. AbortSignal.timeout): when it aborts, the look stops and answers with what
   * it found so far; the inboxes it did not finish are in `notSearched`.
   */
  signal?: AbortSignal | undefined;
}

/**
 * Searches each connected inbox of the account (or only `inboxId`) for the message, decides every copy
 * found and records the decision (uidvalidity/uid of the folder it was found in).
 */
export async function lookForMessage(s: Scoped, messageId: string, options: LookOptions, lookDeps: () => LookDeps): Promise<LookResult> {
  const norm = normalizeMessageId(messageId);
  if (!norm) throw new OperationError('invalid_message_id', `"${messageId}" is not a Message-ID; give it as in the header, e.g. <abc123@mail.example.com>.`);
  let inboxes = (await s.inboxes.list()).filter((i) => i.status === 'connected');
  if (options.inboxId) {
    const one = (await s.inboxes.list()).find((i) => i.id === options.inboxId);
    if (!one) throw new OperationError('inbox_not_found', `There is no inbox ${options.inboxId} in this account.`, undefined, { step: 'list_inboxes' });
    inboxes = [one];
  }
  const result: LookResult = { messageId: formatMessageId(norm), inboxesSearched: [], found: [], problems: [], notSearched: [], deadlineReached: false, loginBudget: { applied: false } };
  const signal = options.signal;
  const deps = inboxes.length > 0 ? { ...lookDeps() } : null;
  if (deps) result.loginBudget = deps.budget ? { applied: true } : { applied: false, ...(deps.budgetNote ? { note: deps.budgetNote } : {}) };
  for (const row of inboxes) {
    if (!deps) break;
    const ref = { id: row.id, address: row.address };
    if (signal?.aborted) {
      result.notSearched.push(ref);
      continue;
    }
    const inbox = await s.inboxes.getWithCredentials<StoredCredentials>(row.id, deps.keys).catch((error: unknown) => String((error as Error).message ?? error));
    if (!inbox || typeof inbox === 'string') {
      result.problems.push({ inbox: ref, problem: typeof inbox === 'string' ? inbox : 'the inbox is gone' });
      continue;
    }
    const hits = await locateIn(inbox, messageId, deps, result, signal);
    if (hits === DEADLINE) {
      result.notSearched.push(ref);
      continue;
    }
    result.inboxesSearched.push(ref);
    if (typeof hits === 'string') {
      result.problems.push({ inbox: ref, problem: hits });
      continue;
    }
    const context = await s.inboxes.context(inbox.id);
    if (!context) continue;
    for (const hit of hits) {
      const facts = messageFactsFromHeaders(hit.headers, {
        mailbox: hit.mailbox,
        ...(hit.specialUse ? { mailboxSpecialUse: hit.specialUse } : {}),
        arrivedAt: hit.internalDate,
      });
      if (facts.messageId !== norm) continue; // SEARCH HEADER is a substring match
      const decision = await decideLikeTheWorker(s, context, facts, norm);
      const reasonCode: ReasonCode = decision.action === 'skip' ? decision.reason : 'logged';
      const detail = decision.action === 'skip' ? (decision.detail ?? null) : null;
      const copy: FoundCopy = { inbox: ref, mailbox: hit.mailbox, specialUse: hit.specialUse, uidvalidity: hit.uidValidity, uid: hit.uid, reasonCode, detail, outcome: 'recorded' };
      const pastCheckpoint = inbox.uidvalidity !== hit.uidValidity || hit.uid > (inbox.lastUid ?? 0);
      if (isWorkersInbox(hit) && pastCheckpoint) {
        copy.outcome = 'left_to_worker';
      } else if (decision.action === 'log') {
        copy.outcome = 'not_recorded';
      } else {
        const input: DecisionInput = {
          inboxId: inbox.id,
          mailbox: hit.mailbox,
          uidvalidity: hit.uidValidity,
          uid: hit.uid,
          messageId: formatMessageId(norm),
          messageIdNorm: norm,
          reasonCode,
          detail,
          fromAddress: facts.from?.address.toLowerCase() ?? null,
          subject: facts.subject,
        };
        const { inserted } = await s.decisions.record([input]);
        copy.outcome = inserted > 0 ? 'recorded' : 'already_recorded';
      }
      result.found.push(copy);
    }
  }
  result.deadlineReached = result.notSearched.length > 0;
  return result;
}
