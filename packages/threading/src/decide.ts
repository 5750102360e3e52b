// decide(): whether a reply found in a connected inbox goes on the CRM timeline, and why (or why not).
//
// Read it like Odoo's message_route: the rules in the order a support person explains them, the first
// that applies is the answer. Each step is a named helper returning a skip or null.
//
//   1. duplicate           the Message-ID is already logged for this account
//   2. bounce              a delivery status notification from a mail server (see detect-bounce.ts)
//   3. auto_reply          an out-of-office or other automatic message (see detect-auto-reply.ts)
//   4. not_in_inbox        the message is not in INBOX itself (a subfolder, Junk/Spam, \Junk)
//   5. not_a_reply         In-Reply-To / References match no logged email (the worker's findThread)
//   6. inbox_disconnected  it arrived before the inbox's current connected period began
//   7. never_log           the sender, or a recipient of the original email, is on the never-log list
//   8. sender_not_contact  the From address is not a contact's address (exactly; no alias matching)
//   9. sender_unverified   the account requires verified senders and the inbox's own server did not
//                          verify this From (sender-verification.ts); under `flag` it is logged as unverified
//  10. not_thread_owner    a user started the thread and this is another user's personal inbox
//  11. team_thread         a team inbox started the thread and this is a personal inbox or another team's
//   otherwise              logged, with the contact, the original's companies and deals, and the
//                          contact's own companies
//
// Why this order: 1–4 are about the message itself and are cheap, so the decision log says "bounce"
// rather than "not a reply" for a bounce that quotes our Message-ID; 5 needs the thread look-up; 6–11
// are about who may see the reply, checked only for real replies to a logged thread. 9 comes right
// after 8: once the From is a contact's address, the question is whether the contact really sent it.
//
// A reply to a reply is found like any other: findThread() walks In-Reply-To, then References newest
// first, so a reply to the contact's previous (logged) reply lands on the same thread. A reply that
// reached the owner's inbox through one of its aliases is still the owner's inbox: rules 9 and 10
// compare inboxes and users, never the To address.

import { autoReplySignal } from './detect-auto-reply';
import { bounceSignal } from './detect-bounce';
import { matchNeverLog } from './match-never-log';
import { normalizeAddress } from './normalize-address';
import type { SkipReason } from './reason-codes';
import { senderVerificationOf } from './sender-verification';
import { toStorableText } from './storable-text';
import type {
  Associations,
  ContactRef,
  Decision,
  DecisionContext,
  InboxContext,
  MessageFacts,
  ThreadRef,
} from './types';

type Skip = Extract<Decision, { action: 'skip' }>;

/**
 * Longest decision detail kept. Details quote the message (a subject, an address, a header value),
 * and the decision log keeps one row per message: a hostile subject must not become a 100 KB row.
 */
export const MAX_DETAIL_LENGTH = 500;

export function decide(facts: MessageFacts, ctx: DecisionContext): Decision {
  const aboutTheMessage =
    duplicate(ctx) ?? // 1
    bounce(facts) ?? // 2
    autoReply(facts) ?? // 3
    notInInbox(facts); // 4
  if (aboutTheMessage) return aboutTheMessage;

  const thread = ctx.thread;
  if (thread === null) return notAReply(facts); // 5

  const aboutWhoMaySee =
    inboxDisconnected(facts, ctx.inbox) ?? // 6
    neverLog(facts, thread, ctx) ?? // 7
    senderNotContact(facts, ctx.senderContact) ?? // 8
    senderUnverified(facts, ctx.inbox) ?? // 9
    notThreadOwner(thread, ctx.inbox) ?? // 10
    teamThread(thread, ctx.inbox); // 11
  if (aboutWhoMaySee) return aboutWhoMaySee;

  // senderNotContact returned null, so there is a contact; the check keeps the types honest.
  const contact = ctx.senderContact;
  if (contact === null) return skip('sender_not_contact');
  return { action: 'log', reason: 'logged', thread, associations: associationsFor(thread, contact) };
}

// 1
function duplicate(ctx: DecisionContext): Skip | null {
  return ctx.alreadyLogged ? skip('duplicate') : null;
}

// 2
function bounce(facts: MessageFacts): Skip | null {
  const signal = bounceSignal(facts);
  return signal === null ? null : skip('bounce', signal);
}

// 3
function autoReply(facts: MessageFacts): Skip | null {
  const signal = autoReplySignal(facts);
  return signal === null ? null : skip('auto_reply', signal);
}

// 4: only INBOX itself counts. `INBOX/Projects` and `INBOX.Projects` are folders the user (or a
// filter) moved the message to; Junk and Spam fail by name, and \Junk catches a Junk folder under any
// name (`[Gmail]/Spam`, `Courrier indésirable`).
function notInInbox(facts: MessageFacts): Skip | null {
  const isInbox = facts.mailbox.toUpperCase() === 'INBOX';
  const isJunk = (facts.mailboxSpecialUse ?? '').toLowerCase() === '\\junk';
  if (isInbox && !isJunk) return null;
  return skip('not_in_inbox', isJunk ? `mailbox ${facts.mailbox} (\\Junk)` : `mailbox ${facts.mailbox}`);
}

// 5
function notAReply(facts: MessageFacts): Skip {
  const ids = facts.inReplyTo.length + facts.references.length;
  return skip('not_a_reply', ids === 0 ? 'no In-Reply-To or References' : `${ids} referenced ids, none logged`);
}

// 6: IMAP INTERNALDATE has whole seconds, so connectedSince is floored to the second; otherwise a
// reply that arrived in the very second the inbox connected would count as "before".
function inboxDisconnected(facts: MessageFacts, inbox: InboxContext): Skip | null {
  if (inbox.connectedSince === null) return skip('inbox_disconnected', 'the inbox has no connected period');
  const since = Math.floor(inbox.connectedSince.getTime() / 1000) * 1000;
  const arrived = facts.arrivedAt.getTime();
  // An unknown arrival time cannot show the reply came while connected.
  if (Number.isNaN(arrived) || Number.isNaN(since)) return skip('inbox_disconnected', 'arrival or connection time unknown');
  if (arrived >= since) return null;
  return skip(
    'inbox_disconnected',
    `arrived ${facts.arrivedAt.toISOString()}, connected since ${new Date(since).toISOString()}`,
  );
}

// 7: the inbox's own address and aliases are among the original's recipients whenever this inbox
// sent it, so they are not held against it (an account that never-logs its own domain still logs
// replies to its users' threads).
function neverLog(facts: MessageFacts, thread: ThreadRef, ctx: DecisionContext): Skip | null {
  if (ctx.neverLog.length === 0) return null;
  const sender = facts.from?.address;
  if (sender) {
    const hit = matchNeverLog(sender, ctx.neverLog);
    if (hit) return skip('never_log', `sender ${sender} matches never-log ${hit.kind} ${hit.value}`);
  }
  const own = new Set([ctx.inbox.address, ...ctx.inbox.aliases].map(normalizeAddress));
  for (const recipient of thread.recipients) {
    const address = normalizeAddress(recipient);
    if (own.has(address)) continue;
    const hit = matchNeverLog(address, ctx.neverLog);
    if (hit) return skip('never_log', `original recipient ${address} matches never-log ${hit.kind} ${hit.value}`);
  }
  return null;
}

// 8: the worker looks the contact up by the exact From address. The extra comparison guards against
// a look-up that was ever made fuzzy: `contacts-alias@x` or `ana+crm@x` is not the contact `ana@x`.
function senderNotContact(facts: MessageFacts, contact: ContactRef | null): Skip | null {
  const from = facts.from?.address ?? '';
  if (contact === null) return skip('sender_not_contact', from ? `no contact has the address ${from}` : 'no From address');
  if (normalizeAddress(contact.email) !== normalizeAddress(from)) {
    return skip('sender_not_contact', `the contact's address ${contact.email} is not the sender ${from}`);
  }
  return null;
}

// 9: only under the account's `require` policy. Under `flag` (the default) nothing is skipped here;
// the worker stores the same verdict (senderVerificationOf) on the logged reply.
function senderUnverified(facts: MessageFacts, inbox: InboxContext): Skip | null {
  if (inbox.senderVerification !== 'require') return null;
  const verdict = senderVerificationOf(facts, inbox);
  return verdict.verified ? null : skip('sender_unverified', verdict.detail);
}

// 10: a personal inbox of another user; a team inbox is not "another user's" inbox and passes here.
function notThreadOwner(thread: ThreadRef, inbox: InboxContext): Skip | null {
  if (thread.ownerUserId === null || inbox.kind !== 'personal') return null;
  if (inbox.ownerUserId === thread.ownerUserId) return null;
  return skip('not_thread_owner', `thread owner ${thread.ownerUserId}, inbox owner ${inbox.ownerUserId ?? 'none'}`);
}

// 11: a thread a team inbox started is logged only from that team inbox. A different team inbox is
// also team_thread (not not_thread_owner: no user owns either side); when the starting inbox is
// unknown (inboxId null), any team inbox may log it.
function teamThread(thread: ThreadRef, inbox: InboxContext): Skip | null {
  if (thread.inboxKind !== 'team') return null;
  if (inbox.kind === 'personal') return skip('team_thread', `started from team inbox ${thread.inboxId ?? '(unknown)'}`);
  if (thread.inboxId !== null && thread.inboxId !== inbox.id) {
    return skip('team_thread', `started from team inbox ${thread.inboxId}, arrived in team inbox ${inbox.id}`);
  }
  return null;
}

/** The contact, the original's companies and deals, and the contact's own companies; no repeats. */
function associationsFor(thread: ThreadRef, contact: ContactRef): Associations {
  return {
    contactIds: [contact.id],
    companyIds: unique([...thread.companyIds, ...contact.companyIds]),
    dealIds: unique(thread.dealIds),
  };
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** Every skip goes through here, so every detail is capped and storable in one place. */
function skip(reason: SkipReason, detail?: string): Skip {
  if (detail === undefined) return { action: 'skip', reason };
  const short = detail.length > MAX_DETAIL_LENGTH ? `${detail.slice(0, MAX_DETAIL_LENGTH - 1)}…` : detail;
  return { action: 'skip', reason, detail: toStorableText(short) };
}
