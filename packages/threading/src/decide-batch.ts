// Deciding many messages with one round of look-ups: which ids, addresses and Message-IDs to look up
// for a batch, then decide() for each message against the results. The worker's catch-up and the
// CLI's `explain --look` both decide through here, so a message is judged the same way by both.
import { decide } from './decide';
import { findThread, threadCandidates } from './thread-candidates';
import type { ContactRef, Decision, InboxContext, MessageFacts, NeverLogEntry, ThreadRef } from './types';

export interface BatchMessage {
  facts: MessageFacts;
  /** The Message-ID the message is stored under: its own, or a synthetic one when it has none. */
  messageIdNorm: string;
}

/** What to look up for a batch, deduplicated. */
export interface BatchLookupKeys {
  /** Thread candidates of every message (normalised Message-IDs). */
  candidates: string[];
  messageIds: string[];
  /** Lower-cased From addresses. */
  senders: string[];
}

export interface BatchLookups {
  threadRefs: Map<string, ThreadRef>;
  loggedMessageIds: Set<string>;
  /** Keyed by lower-cased address. */
  contactsByEmail: Map<string, ContactRef>;
  neverLog: NeverLogEntry[];
}

export function batchLookupKeys(messages: readonly BatchMessage[]): BatchLookupKeys {
  const candidates = new Set<string>();
  const senders = new Set<string>();
  for (const { facts } of messages) {
    for (const id of threadCandidates(facts.inReplyTo, facts.references)) candidates.add(id);
    if (facts.from) senders.add(facts.from.address.toLowerCase());
  }
  return { candidates: [...candidates], messageIds: [...new Set(messages.map((m) => m.messageIdNorm))], senders: [...senders] };
}

/**
 * decide() for each message, in order. A second copy of a Message-ID within the batch is a
 * `duplicate` of the first one that is logged, as it would be once the first is committed.
 */
export function decideBatch(messages: readonly BatchMessage[], inbox: InboxContext, lookups: BatchLookups): Decision[] {
  const loggingNow = new Set<string>();
  return messages.map(({ facts, messageIdNorm }) => {
    const decision = decide(facts, {
      inbox,
      alreadyLogged: lookups.loggedMessageIds.has(messageIdNorm) || loggingNow.has(messageIdNorm),
      thread: findThread(threadCandidates(facts.inReplyTo, facts.references), lookups.threadRefs),
      senderContact: facts.from ? (lookups.contactsByEmail.get(facts.from.address.toLowerCase()) ?? null) : null,
      neverLog: lookups.neverLog,
    });
    if (decision.action === 'log') loggingNow.add(messageIdNorm);
    return decision;
  });
}

/** batchLookupKeys, one call of `lookUp` (the caller's I/O), then decideBatch. */
export async function decideMessages(
  messages: readonly BatchMessage[],
  inbox: InboxContext,
  lookUp: (keys: BatchLookupKeys) => Promise<BatchLookups>,
): Promise<Decision[]> {
  if (messages.length === 0) return [];
  return decideBatch(messages, inbox, await lookUp(batchLookupKeys(messages)));
}
