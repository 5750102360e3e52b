// Who and what an email sent to an account's BCC address is logged for: decideBcc(), the BCC path's
// counterpart of decide(), as numbered steps each returning a reason code. Pure: apps/inbound loads the
// candidates, contacts and never-log list, verifies the sender, and writes what this returns.
import { matchNeverLog } from './match-never-log';
import { normalizeAddress } from './normalize-address';
import type { SenderVerification } from './sender-verification';
import type { Address, NeverLogEntry } from './types';

/** How a candidate owner matched the From, strongest first (the ownership rule). */
export const OWNER_RULES = ['user_email', 'inbox_address', 'inbox_alias'] as const;
export type OwnerRule = (typeof OWNER_RULES)[number];

/** A user or connected inbox whose address (or alias) is the From. */
export interface SenderCandidate {
  rule: OwnerRule;
  /** The user who becomes the owner; null for a team inbox. */
  userId: string | null;
  userEmail: string | null;
  inboxId: string | null;
  /** A connected inbox beats a disconnected one, then the oldest wins. */
  connected: boolean;
  createdAt: Date;
}

export interface BccFacts {
  from: Address | null;
  to: Address[];
  cc: Address[];
  /** A `Bcc:` header left in the message (some clients keep it in the copy they send us). */
  bcc: Address[];
  /** The RCPT TO addresses we accepted (ours). */
  envelopeRecipients: string[];
}

export interface BccContext {
  candidates: SenderCandidate[];
  /** Every address of the account's users and inboxes (with aliases): colleagues are never contacts. */
  ownAddresses: ReadonlySet<string>;
  /** Existing contacts by normalised address. */
  contactIds: ReadonlyMap<string, string>;
  neverLog: readonly NeverLogEntry[];
  policy: 'flag' | 'require';
  verification: SenderVerification;
}

export type SkippedRecipientWhy = 'never_log' | 'bcc' | 'own_user';

export interface BccRecipient {
  address: string;
  name: string | null;
  /** The existing contact, or null: one is to be created (owner: the sending user, non-marketing). */
  contactId: string | null;
}

export interface BccOwner {
  rule: OwnerRule;
  userId: string | null;
  inboxId: string | null;
  /** "ana@x.test by rule user_email (1 of 2 candidates: ...)": recorded with the decision. */
  detail: string;
}

export type BccDecision =
  | {
      reason: 'logged';
      owner: BccOwner;
      recipients: BccRecipient[];
      skipped: { address: string; why: SkippedRecipientWhy }[];
      /** Logged under the `flag` policy although the sender is not verified. */
      unverified: boolean;
      detail: string;
    }
  | { reason: 'sender_not_user' | 'sender_unverified' | 'no_loggable_recipient' | 'malformed'; detail: string };

const RULE_RANK: Record<OwnerRule, number> = { user_email: 0, inbox_address: 1, inbox_alias: 2 };

/**
 * The ownership rule when several users or inboxes have the From's address: the strongest match
 * (the user's own email, then an inbox's address, then an alias), then a connected inbox before a
 * disconnected one, then the oldest; ids break a tie of equal times so the answer never varies.
 */
export function pickOwner(candidates: readonly SenderCandidate[]): BccOwner | null {
  if (candidates.length === 0) return null;
  const sorted = [...candidates].sort(
    (a, b) =>
      RULE_RANK[a.rule] - RULE_RANK[b.rule] ||
      Number(b.connected) - Number(a.connected) ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      String(a.userId ?? a.inboxId).localeCompare(String(b.userId ?? b.inboxId)),
  );
  const win = sorted[0]!;
  const who = win.userEmail ?? `team inbox ${win.inboxId}`;
  const others = sorted.length > 1 ? ` (1 of ${sorted.length} candidates: strongest match, then connected, then oldest)` : '';
  return { rule: win.rule, userId: win.userId, inboxId: win.inboxId, detail: `owner ${who} by rule ${win.rule}${others}` };
}

/** What checkLogger needs: the same for the BCC and the forwarding address. */
export type LoggerContext = Pick<BccContext, 'candidates' | 'policy' | 'verification'>;

/**
 * Steps 1-3 of who may log by mail (the BCC and the forwarding address alike): a readable From, one of
 * the account's people (user, connected inbox's address or alias), verified unless the policy only flags.
 */
export function checkLogger(
  from: Address | null,
  ctx: LoggerContext,
): { ok: true; owner: BccOwner } | { ok: false; reason: 'malformed' | 'sender_not_user' | 'sender_unverified'; detail: string } {
  if (!from) return { ok: false, reason: 'malformed', detail: 'the message has no readable From address' };
  const owner = pickOwner(ctx.candidates);
  if (!owner) return { ok: false, reason: 'sender_not_user', detail: `From ${normalizeAddress(from.address)}` };
  const v = ctx.verification;
  if (!v.verified && ctx.policy === 'require') return { ok: false, reason: 'sender_unverified', detail: v.detail };
  return { ok: true, owner };
}

export function decideBcc(facts: BccFacts, ctx: BccContext): BccDecision {
  // 1-3. A readable From, one of the account's people, verified (or the policy only flags).
  const gate = checkLogger(facts.from, ctx);
  if (!gate.ok) return { reason: gate.reason, detail: gate.detail };
  const owner = gate.owner;
  const v = ctx.verification;

  // 4. The recipients to log on: To and Cc, less colleagues, never-log entries and anyone Bcc'd.
  const ours = new Set(facts.envelopeRecipients.map(normalizeAddress));
  const bccd = new Set(facts.bcc.map((a) => normalizeAddress(a.address)).filter((a) => !ours.has(a)));
  const recipients: BccRecipient[] = [];
  const skipped: { address: string; why: SkippedRecipientWhy }[] = [];
  const seen = new Set<string>();
  for (const a of [...facts.to, ...facts.cc]) {
    const address = normalizeAddress(a.address);
    if (!address.includes('@') || seen.has(address) || ours.has(address)) continue;
    seen.add(address);
    if (bccd.has(address)) skipped.push({ address, why: 'bcc' });
    else if (ctx.ownAddresses.has(address)) skipped.push({ address, why: 'own_user' });
    else if (matchNeverLog(address, ctx.neverLog)) skipped.push({ address, why: 'never_log' });
    else recipients.push({ address, name: a.name?.trim() || null, contactId: ctx.contactIds.get(address) ?? null });
  }
  for (const address of bccd) if (!seen.has(address)) skipped.push({ address, why: 'bcc' });

  // 5. Someone left to log it on.
  const skippedText = skipped.length > 0 ? `; not logged on ${skipped.map((s) => `${s.address} (${s.why})`).join(', ')}` : '';
  if (recipients.length === 0) return { reason: 'no_loggable_recipient', detail: `${owner.detail}${skippedText}` };

  const unverified = !v.verified;
  return {
    reason: 'logged',
    owner,
    recipients,
    skipped,
    unverified,
    detail: `${owner.detail}${skippedText}${unverified ? `; unverified sender (flag policy): ${v.detail}` : ''}`,
  };
}
