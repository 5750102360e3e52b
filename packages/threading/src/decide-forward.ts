// What an email sent to an account's forwarding address logs: decideForward(), the forwarding path's
// counterpart of decideBcc(). The forwarder must be one of the account's people (the same rule as BCC,
// checkLogger); the message must be one forwarded reply (apps/inbound reads its quoted headers with
// email-forward-parser); what is logged is the ORIGINAL message, on its sender's contact only (the
// forwarded reply's Cc recipients are not added). Pure: apps/inbound loads the facts and writes the result.
import { checkLogger, type BccOwner, type LoggerContext } from './decide-bcc';
import { matchNeverLog } from './match-never-log';
import { normalizeAddress } from './normalize-address';
import type { Address, NeverLogEntry } from './types';

/** What the forward parser made of the body: one forwarded message, a forwarded thread, or nothing. */
export type ForwardReading =
  | { kind: 'forward'; originalFrom: Address | null }
  | { kind: 'thread' }
  | { kind: 'not_recognised' };

export interface ForwardFacts {
  /** The forwarder: the From of the message sent to the forwarding address. */
  from: Address | null;
  reading: ForwardReading;
}

export interface ForwardContext extends LoggerContext {
  ownAddresses: ReadonlySet<string>;
  /** The existing contact of the original sender, by normalised address. */
  contactIds: ReadonlyMap<string, string>;
  neverLog: readonly NeverLogEntry[];
}

export type ForwardDecision =
  | {
      reason: 'logged';
      owner: BccOwner;
      /** The original sender: the contact the email goes on (created when contactId is null). */
      contact: { address: string; name: string | null; contactId: string | null };
      unverified: boolean;
      detail: string;
    }
  | {
      reason: 'sender_not_user' | 'sender_unverified' | 'malformed' | 'forward_not_recognised' | 'forward_of_thread' | 'never_log' | 'no_loggable_recipient';
      detail: string;
    };

export function decideForward(facts: ForwardFacts, ctx: ForwardContext): ForwardDecision {
  // 1-3. Who may forward: the BCC rules (a user, an inbox address or alias; verified per the policy).
  const gate = checkLogger(facts.from, ctx);
  if (!gate.ok) return { reason: gate.reason, detail: gate.detail };
  const { owner } = gate;

  // 4. One forwarded reply, read from its forward header.
  const r = facts.reading;
  if (r.kind === 'thread') return { reason: 'forward_of_thread', detail: `${owner.detail}; the forwarded message holds another forwarded message` };
  if (r.kind === 'not_recognised') return { reason: 'forward_not_recognised', detail: `${owner.detail}; no forward header found in the text or HTML part` };
  if (!r.originalFrom || !normalizeAddress(r.originalFrom.address).includes('@')) {
    return { reason: 'forward_not_recognised', detail: `${owner.detail}; the forward header has no readable From address` };
  }

  // 5. The original sender is someone to log on: not a colleague, not on the never-log list.
  const address = normalizeAddress(r.originalFrom.address);
  if (ctx.ownAddresses.has(address)) return { reason: 'no_loggable_recipient', detail: `${owner.detail}; the original sender ${address} is one of the account's own addresses` };
  if (matchNeverLog(address, ctx.neverLog)) return { reason: 'never_log', detail: `${owner.detail}; the original sender ${address} is on the never-log list` };

  const unverified = !ctx.verification.verified;
  return {
    reason: 'logged',
    owner,
    contact: { address, name: r.originalFrom.name?.trim() || null, contactId: ctx.contactIds.get(address) ?? null },
    unverified,
    detail: `${owner.detail}; original from ${address}${unverified ? `; unverified sender (flag policy): ${ctx.verification.detail}` : ''}`,
  };
}
