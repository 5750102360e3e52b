// The facts decide() reads: what the message says about itself, and what the CRM knows around it.
import type { SenderVerificationPolicy } from './sender-verification';

/** An email address, lower-cased, with the display name when there was one. */
export interface Address {
  address: string;
  name?: string;
}

/** What the worker learns from a message's header fields (no body) and its place on the server. */
export interface MessageFacts {
  /** Normalised Message-ID (see normalizeMessageId), or null when absent or unparseable. */
  messageId: string | null;
  /** Normalised ids from In-Reply-To, in header order. */
  inReplyTo: string[];
  /** Normalised ids from References, in header order (oldest first), capped to the newest few dozen. */
  references: string[];
  from: Address | null;
  to: Address[];
  cc: Address[];
  subject: string;
  date: Date | null;
  /** Mailbox path the message sits in, as the server names it ('INBOX', 'INBOX/Projects', 'Junk'). */
  mailbox: string;
  /** Special-use flag of that mailbox when it has one ('\\Junk', '\\Sent', ...). */
  mailboxSpecialUse?: string;
  /** When the server received it (IMAP INTERNALDATE). */
  arrivedAt: Date;
  /** Raw values of the header fields the bounce and auto-reply rules read, keyed lower-case. */
  headers: Record<string, string>;
  /**
   * Authentication-Results values in header order, topmost (the newest) first, at most
   * MAX_AUTHENTICATION_RESULTS of them (see sender-verification.ts for which one counts). Absent: none.
   */
  authenticationResults?: string[];
}

export interface InboxContext {
  id: string;
  /** The user who connected a personal inbox; null for a team inbox. */
  ownerUserId: string | null;
  kind: 'personal' | 'team';
  address: string;
  aliases: string[];
  /** Start of the current connected period; replies that arrived before it are not logged. */
  connectedSince: Date | null;
  /** authserv-ids of the inbox's own mail server whose Authentication-Results count; absent: none. */
  trustedAuthservIds?: readonly string[];
  /** The account's policy for unverified senders; absent: 'flag' (logged, shown as unverified). */
  senderVerification?: SenderVerificationPolicy;
}

/** The logged email a reply answers, as found by findThread(). */
export interface ThreadRef {
  emailId: string;
  threadId: string;
  /** User who started the thread (sent or logged its first email); null when a team inbox did. */
  ownerUserId: string | null;
  /** Inbox the thread was started from, when known. */
  inboxId: string | null;
  inboxKind: 'personal' | 'team' | null;
  /** Every address on the original's From, To and Cc, lower-cased. */
  recipients: string[];
  companyIds: string[];
  dealIds: string[];
  contactIds: string[];
}

export interface ContactRef {
  id: string;
  email: string;
  companyIds: string[];
  dealIds: string[];
}

export interface NeverLogEntry {
  kind: 'address' | 'domain';
  /** Lower-cased address, or a domain that also covers its subdomains. */
  value: string;
}

export interface DecisionContext {
  inbox: InboxContext;
  /** True when the message's Message-ID is already logged for this account. */
  alreadyLogged: boolean;
  thread: ThreadRef | null;
  senderContact: ContactRef | null;
  neverLog: NeverLogEntry[];
}

export interface Associations {
  contactIds: string[];
  companyIds: string[];
  dealIds: string[];
}

export type Decision =
  | { action: 'log'; reason: 'logged'; thread: ThreadRef; associations: Associations }
  | {
      action: 'skip';
      reason: import('./reason-codes').SkipReason;
      /** A short factual detail for support (which recipient matched never-log, etc.). */
      detail?: string;
    };
