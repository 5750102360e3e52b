// The CRM data model reply-sync reads and writes. Every tenant table carries account_id; apps reach
// these rows only through scoped(db, accountId) (see scoped.ts).
//
// Conventions:
// - uuid primary keys (gen_random_uuid()), timestamps WITH time zone, snake_case columns.
// - Closed sets of values are text columns with a CHECK constraint (easier to extend than pg enums)
//   and a TypeScript union through `enum`.
// - IMAP numbers (UIDVALIDITY, UID, HIGHESTMODSEQ) are bigint columns read as JS `number`
//   (mode 'number'): UIDs and UIDVALIDITY are 32-bit, and MODSEQ values seen in practice stay far
//   below 2^53. Every bigint column here uses mode 'number'.
// - The lower(email) unique index lives here as an expression index; the NOTIFY trigger on inboxes
//   is hand-written SQL in a custom migration (drizzle/0001_*.sql).
import { sql } from 'drizzle-orm';
import {
  type ExtraConfigColumn,
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  customType,
} from 'drizzle-orm/pg-core';
import { API_KEY_SCOPES } from './api-key-scopes';
import { CONSOLE_LANGUAGES, CONSOLE_ROLES } from './console-roles';
import { storableJsonb, storableText } from './storable-columns';
import { EVENT_CLASSES, EVENT_REASONS } from '@reply-sync/tracking';

export { API_KEY_SCOPES, type ApiKeyScope } from './api-key-scopes';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => tstz('created_at').notNull().defaultNow();
/** The index a list pages on, newest first (queries/keyset.ts): (account_id, created_at DESC, id DESC). */
const keysetIndex = (name: string, t: { accountId: ExtraConfigColumn; createdAt: ExtraConfigColumn; id: ExtraConfigColumn }) => index(name).on(t.accountId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst());
const imapNumber = (name: string) => bigint(name, { mode: 'number' });
const accountId = () =>
  uuid('account_id')
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' });

/** Builds `CHECK (col IN ('a','b'))` for a closed set of text values. */
function oneOf(name: string, column: unknown, values: readonly string[]) {
  const list = sql.raw(values.map((v) => `'${v}'`).join(', '));
  return check(name, sql`${column} IN (${list})`);
}

export const INBOX_KINDS = ['personal', 'team'] as const;
export const PROVIDERS = ['imap', 'gmail', 'office365'] as const;
export const TLS_MODES = ['tls', 'starttls', 'none'] as const;
export const AUTH_KINDS = ['password', 'oauth2'] as const;
export const INBOX_STATUSES = ['connected', 'disconnected', 'removed'] as const;
export const DEAL_STATUSES = ['open', 'closed'] as const;
export const NEVER_LOG_KINDS = ['address', 'domain'] as const;
/** What a contact's tracking basis may say (migration 0016): why opens and clicks may be attributed to them. */
export const TRACKING_BASES = ['consent', 'legitimate_interest'] as const;
export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const EMAIL_SOURCES = ['crm_send', 'log', 'bcc', 'forward', 'reply_sync'] as const;
export const SENT_COPY_STATUSES = [
  'appended',
  'skipped_provider_files_sent',
  'no_sent_folder',
  'pending',
] as const;
export const ASSOCIATION_KINDS = ['contact', 'company', 'deal'] as const;
export const DECISION_OUTCOMES = ['logged', 'skipped'] as const;
export const OUTGOING_STATUSES = ['pending', 'sent', 'failed'] as const;
/** What happens to a reply whose sender is not verified (threading's SenderVerificationPolicy). */
/** The webhook events (docs/architecture.md, "Webhooks"); one outbox row per event. */
export const WEBHOOK_EVENT_TYPES = [
  'email.logged',
  'email.sent',
  'email.send_failed',
  'inbox.connected',
  'inbox.disconnected',
  'inbox.reconnected',
  'email.opened',
  'email.clicked',
] as const;
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const WEBHOOK_ATTEMPT_STATUSES = ['succeeded', 'failed'] as const;
export const SENDER_VERIFICATION_POLICIES = ['flag', 'require'] as const;
/** An account's logging addresses (apps/inbound): `bcc-<token>@` and `fwd-<token>@` the inbound domain. */
export const INBOUND_ADDRESS_KINDS = ['bcc', 'fwd'] as const;
export const INBOUND_MESSAGE_STATUSES = ['spooled', 'processed'] as const;

export type InboxKind = (typeof INBOX_KINDS)[number];
export type Provider = (typeof PROVIDERS)[number];
export type TlsMode = (typeof TLS_MODES)[number];
export type AuthKind = (typeof AUTH_KINDS)[number];
export type InboxStatus = (typeof INBOX_STATUSES)[number];
export type DealStatus = (typeof DEAL_STATUSES)[number];
export type NeverLogKind = (typeof NEVER_LOG_KINDS)[number];
export type TrackingBasis = (typeof TRACKING_BASES)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type EmailSource = (typeof EMAIL_SOURCES)[number];
export type SentCopyStatus = (typeof SENT_COPY_STATUSES)[number];
export type AssociationKind = (typeof ASSOCIATION_KINDS)[number];
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
export type WebhookAttemptStatus = (typeof WEBHOOK_ATTEMPT_STATUSES)[number];
export type InboundAddressKind = (typeof INBOUND_ADDRESS_KINDS)[number];
export type InboundMessageStatus = (typeof INBOUND_MESSAGE_STATUSES)[number];
export type SenderVerificationPolicyValue = (typeof SENDER_VERIFICATION_POLICIES)[number];

/** An address as stored in logged_emails.to / cc. */
export interface StoredAddress {
  address: string;
  name?: string;
}

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** `flag`: unverified replies are logged and shown as unverified; `require`: skipped (sender_unverified). */
    senderVerification: text('sender_verification', { enum: SENDER_VERIFICATION_POLICIES }).notNull().default('flag'),
    /** GDPR rules apply to open and click tracking: only contacts with a tracking basis are tracked by name (0016). */
    trackingGdpr: boolean('tracking_gdpr').notNull().default(false),
    /** Click tracking only for users with a paid seat (users.paid_seat); the others get open tracking only (0016). */
    clickTrackingSeatsOnly: boolean('click_tracking_seats_only').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [oneOf('accounts_sender_verification_ck', t.senderVerification, SENDER_VERIFICATION_POLICIES)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    email: text('email').notNull(),
    name: text('name'),
    /** A paid seat: with accounts.click_tracking_seats_only, only these users' sends rewrite links (0016). */
    paidSeat: boolean('paid_seat').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_account_email_lower_uq').on(t.accountId, sql`lower(${t.email})`), keysetIndex('users_account_created_idx', t)],
);

export const inboxes = pgTable(
  'inboxes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    /** Owner of a personal inbox; null for a team inbox. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: INBOX_KINDS }).notNull(),
    provider: text('provider', { enum: PROVIDERS }).notNull().default('imap'),
    address: text('address').notNull(),
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    imapHost: text('imap_host').notNull(),
    imapPort: integer('imap_port').notNull(),
    imapTls: text('imap_tls', { enum: TLS_MODES }).notNull(),
    smtpHost: text('smtp_host'),
    smtpPort: integer('smtp_port'),
    smtpTls: text('smtp_tls', { enum: TLS_MODES }),
    /** TLS mode `none` allowed to a non-loopback IMAP/SMTP host (packages/mail plaintext-policy). */
    allowPlaintext: boolean('allow_plaintext').notNull().default(false),
    username: text('username').notNull(),
    authKind: text('auth_kind', { enum: AUTH_KINDS }).notNull().default('password'),
    /** Encrypted `v2:<keyId>:<inboxId>:<iv>:<tag>:<ciphertext>`, bound to this row (crypto/credentials.ts); null once removed. */
    credentials: text('credentials'),
    credentialsKeyId: text('credentials_key_id'),
    /** Bumped on every reconnect so a running IMAP session notices it holds stale credentials. */
    credentialsVersion: integer('credentials_version').notNull().default(1),
    status: text('status', { enum: INBOX_STATUSES }).notNull().default('connected'),
    /** Disconnect reason code (packages/mail disconnect-reasons), null while connected. */
    disconnectReason: text('disconnect_reason'),
    /** The provider's own words, for support. */
    disconnectDetail: storableText('disconnect_detail'),
    statusSince: tstz('status_since').notNull().defaultNow(),
    /**
     * The current run of transient errors (network, DNS, timeouts): the latest error, when it
     * happened, and when the run began. All three are cleared when the run ends: a session syncs
     * again (its error moves into the history as a `recovered` row) or the inbox is reconnected. A
     * run that ended in a disconnect (server_unreachable) stays, beside the disconnect reason.
     */
    lastError: storableText('last_error'),
    lastErrorAt: tstz('last_error_at'),
    firstErrorAt: tstz('first_error_at'),
    /**
     * When a session last had INBOX read up to date: a catch-up batch committed its checkpoint (the
     * first connect's baseline too), a session logged in again after errors, or an idle session's
     * watchdog NOOP answered with nothing left to read. Exact when mail arrives; while an inbox is
     * idle it is refreshed at most every SYNCED_TOUCH_INTERVAL_MS, so it may be that much behind.
     * Null until the first session.
     */
    lastSyncedAt: tstz('last_synced_at'),
    /** Start of the current connected period (InboxContext.connectedSince). */
    connectedSince: tstz('connected_since').defaultNow(),
    uidvalidity: imapNumber('uidvalidity'),
    lastUid: imapNumber('last_uid'),
    highestModseq: imapNumber('highest_modseq'),
    /** Cached path of the Sent mailbox, discovered by special-use. */
    sentMailbox: text('sent_mailbox'),
    /**
     * authserv-ids whose Authentication-Results count for sender verification (threading's
     * sender-verification.ts); null: the provider's default (gmail mx.google.com, office365 Microsoft's
     * id-less header, imap none).
     */
    trustedAuthservIds: text('trusted_authserv_ids').array(),
    /**
     * The account's catch-all logging mailbox (issue 14): the fleet reads `loggingFolders` (not INBOX's
     * replies) and hands every new message to apps/inbound's pipeline, as if sent to a BCC/forwarding address.
     */
    logging: boolean('logging').notNull().default(false),
    loggingFolders: text('logging_folders').array().notNull().default(sql`'{INBOX}'::text[]`),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('inboxes_account_idx').on(t.accountId),
    keysetIndex('inboxes_account_created_idx', t),
    index('inboxes_status_idx').on(t.status),
    oneOf('inboxes_kind_ck', t.kind, INBOX_KINDS),
    oneOf('inboxes_provider_ck', t.provider, PROVIDERS),
    oneOf('inboxes_imap_tls_ck', t.imapTls, TLS_MODES),
    oneOf('inboxes_smtp_tls_ck', t.smtpTls, TLS_MODES),
    oneOf('inboxes_auth_kind_ck', t.authKind, AUTH_KINDS),
    oneOf('inboxes_status_ck', t.status, INBOX_STATUSES),
    check('inboxes_personal_owner_ck', sql`${t.kind} = 'team' OR ${t.userId} IS NOT NULL`),
  ],
);

/**
 * History reason code of a run of transient errors that ended because the inbox synced again: the
 * inbox stayed connected, and the error is kept here instead of as its current error.
 */
export const RECOVERED_REASON = 'recovered';

export const inboxStatusHistory = pgTable(
  'inbox_status_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    status: text('status', { enum: INBOX_STATUSES }).notNull(),
    /** A disconnect reason (packages/mail disconnect-reasons), RECOVERED_REASON, or null. */
    reasonCode: text('reason_code'),
    /** The provider's words for a disconnect; for a `recovered` row, the last error of the run. */
    detail: storableText('detail'),
    /** `recovered` rows: when the run of transient errors began and when its last error happened. */
    firstErrorAt: tstz('first_error_at'),
    lastErrorAt: tstz('last_error_at'),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [index('inbox_status_history_inbox_idx').on(t.inboxId, t.at)],
);

export const companies = pgTable(
  'companies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    name: text('name').notNull(),
    domain: text('domain'),
    createdAt: createdAt(),
  },
  (t) => [index('companies_account_name_idx').on(t.accountId, t.name), keysetIndex('companies_account_created_idx', t)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    email: text('email').notNull(),
    name: text('name'),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Legal basis for processing this person's data (e.g. 'legitimate_interest', 'consent'). */
    legalBasis: text('legal_basis'),
    /** A marketing contact (counted for marketing email). Contacts made from a BCC'd email are not (migration 0012). */
    marketing: boolean('marketing').notNull().default(false),
    /** Why opens and clicks may be attributed to this person when GDPR rules apply (0016); null: not by name. */
    trackingBasis: text('tracking_basis', { enum: TRACKING_BASES }),
    /** When the basis was given (consent: when the person agreed), and its record: where and how (0019). */
    trackingBasisAt: timestamp('tracking_basis_at', { withTimezone: true }),
    trackingBasisSource: text('tracking_basis_source'),
    createdAt: createdAt(),
  },
  // Unique per account case-insensitively: Ana@X.com and ana@x.com are one contact.
  (t) => [
    uniqueIndex('contacts_account_email_lower_uq').on(t.accountId, sql`lower(${t.email})`),
    keysetIndex('contacts_account_created_idx', t),
    oneOf('contacts_tracking_basis_ck', t.trackingBasis, TRACKING_BASES),
    // No basis, no record of one (a basis set before 0019 has none: it is shown as unrecorded).
    check('contacts_tracking_basis_record_ck', sql`${t.trackingBasis} IS NOT NULL OR (${t.trackingBasisAt} IS NULL AND ${t.trackingBasisSource} IS NULL)`),
  ],
);

export const deals = pgTable(
  'deals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    name: text('name').notNull(),
    status: text('status', { enum: DEAL_STATUSES }).notNull().default('open'),
    createdAt: createdAt(),
    closedAt: tstz('closed_at'),
  },
  (t) => [
    index('deals_account_name_idx').on(t.accountId, t.name),
    keysetIndex('deals_account_created_idx', t),
    oneOf('deals_status_ck', t.status, DEAL_STATUSES),
  ],
);

export const contactCompanies = pgTable(
  'contact_companies',
  {
    accountId: accountId(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    companyId: uuid('company_id')
      .notNull()
      .references(() => companies.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.companyId] }), index('contact_companies_company_idx').on(t.companyId)],
);

export const contactDeals = pgTable(
  'contact_deals',
  {
    accountId: accountId(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    dealId: uuid('deal_id')
      .notNull()
      .references(() => deals.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.dealId] }), index('contact_deals_deal_idx').on(t.dealId)],
);

export const neverLog = pgTable(
  'never_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    kind: text('kind', { enum: NEVER_LOG_KINDS }).notNull(),
    /** Lower-cased address or domain (a domain also covers its subdomains). */
    value: text('value').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('never_log_account_kind_value_uq').on(t.accountId, t.kind, t.value),
    keysetIndex('never_log_account_created_idx', t),
    oneOf('never_log_kind_ck', t.kind, NEVER_LOG_KINDS),
    check('never_log_value_lower_ck', sql`${t.value} = lower(${t.value})`),
  ],
);

/** Addresses and domains never tracked (no pixel, no rewritten link), whatever the law (0016). */
export const doNotTrack = pgTable(
  'do_not_track',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    kind: text('kind', { enum: NEVER_LOG_KINDS }).notNull(),
    /** Lower-cased address or domain (a domain also covers its subdomains). */
    value: text('value').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('do_not_track_account_kind_value_uq').on(t.accountId, t.kind, t.value),
    keysetIndex('do_not_track_account_created_idx', t),
    oneOf('do_not_track_kind_ck', t.kind, NEVER_LOG_KINDS),
    check('do_not_track_value_lower_ck', sql`${t.value} = lower(${t.value})`),
  ],
);

export const loggedEmails = pgTable(
  'logged_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    source: text('source', { enum: EMAIL_SOURCES }).notNull(),
    /** The Message-ID as written in the header. */
    messageId: storableText('message_id').notNull(),
    /** normalizeMessageId(messageId): what every look-up and the exactly-once guard compare. */
    messageIdNorm: storableText('message_id_norm').notNull(),
    threadId: uuid('thread_id').notNull(),
    threadOwnerUserId: uuid('thread_owner_user_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    threadInboxId: uuid('thread_inbox_id').references(() => inboxes.id, { onDelete: 'set null' }),
    inboxId: uuid('inbox_id').references(() => inboxes.id, { onDelete: 'set null' }),
    fromAddress: storableText('from_address').notNull(),
    fromName: storableText('from_name'),
    to: storableJsonb<StoredAddress[]>('to').notNull().default(sql`'[]'::jsonb`),
    cc: storableJsonb<StoredAddress[]>('cc').notNull().default(sql`'[]'::jsonb`),
    subject: storableText('subject').notNull().default(''),
    sentAt: tstz('sent_at'),
    /** Arrival in the INBOX (IMAP INTERNALDATE) for replies; the reply-latency metric starts here. */
    receivedAt: tstz('received_at'),
    textBody: storableText('text_body'),
    htmlBody: storableText('html_body'),
    inReplyTo: storableText('in_reply_to'),
    referencesIds: storableText('references_ids').array().notNull().default(sql`'{}'::text[]`),
    uid: imapNumber('uid'),
    sentCopyStatus: text('sent_copy_status', { enum: SENT_COPY_STATUSES }),
    attachmentsSkippedReason: storableText('attachments_skipped_reason'),
    /**
     * Sender verification of a logged reply (threading's SenderVerification), from the inbox's own
     * server's Authentication-Results; all null for emails the CRM sent and replies logged before it.
     */
    authVerified: boolean('auth_verified'),
    authDmarc: text('auth_dmarc'),
    authDkim: text('auth_dkim'),
    authDkimAligned: boolean('auth_dkim_aligned'),
    authSpf: text('auth_spf'),
    authDetail: storableText('auth_detail'),
    createdAt: createdAt(),
  },
  (t) => [
    // The Message-ID index unique per account: the exactly-once guard.
    uniqueIndex('logged_emails_account_message_id_uq').on(t.accountId, t.messageIdNorm),
    index('logged_emails_thread_idx').on(t.accountId, t.threadId),
    oneOf('logged_emails_direction_ck', t.direction, DIRECTIONS),
    oneOf('logged_emails_source_ck', t.source, EMAIL_SOURCES),
    oneOf('logged_emails_sent_copy_status_ck', t.sentCopyStatus, SENT_COPY_STATUSES),
  ],
);

export const emailAssociations = pgTable(
  'email_associations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    emailId: uuid('email_id')
      .notNull()
      .references(() => loggedEmails.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ASSOCIATION_KINDS }).notNull(),
    /** A contacts.id, companies.id or deals.id depending on kind. */
    targetId: uuid('target_id').notNull(),
  },
  (t) => [
    uniqueIndex('email_associations_uq').on(t.emailId, t.kind, t.targetId),
    index('email_associations_target_idx').on(t.accountId, t.kind, t.targetId),
    oneOf('email_associations_kind_ck', t.kind, ASSOCIATION_KINDS),
  ],
);

export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    emailId: uuid('email_id')
      .notNull()
      .references(() => loggedEmails.id, { onDelete: 'cascade' }),
    filename: storableText('filename'),
    contentType: storableText('content_type').notNull().default('application/octet-stream'),
    size: integer('size').notNull(),
    contentId: storableText('content_id'),
    content: bytea('content').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_email_idx').on(t.emailId)],
);

export const decisions = pgTable(
  'decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    /**
     * The mailbox the message was examined in: INBOX for the worker; another folder when `explain`
     * looked a message up elsewhere. Part of the key: UIDVALIDITY is only unique per mailbox.
     */
    mailbox: text('mailbox').notNull().default('INBOX'),
    uidvalidity: imapNumber('uidvalidity').notNull(),
    uid: imapNumber('uid').notNull(),
    /** The Message-ID as written; null when the message had none. */
    messageId: storableText('message_id'),
    /** Normalised Message-ID, what `explain` looks up. */
    messageIdNorm: storableText('message_id_norm'),
    decision: text('decision', { enum: DECISION_OUTCOMES }).notNull(),
    /** A ReasonCode from @reply-sync/threading (logged, not_a_reply, malformed, ...). */
    reasonCode: text('reason_code').notNull(),
    detail: storableText('detail'),
    fromAddress: storableText('from_address'),
    subject: storableText('subject'),
    createdAt: createdAt(),
  },
  // Headers only, never a body. Unique per server message so a retried batch is a no-op.
  (t) => [
    uniqueIndex('decisions_inbox_mailbox_uid_uq').on(t.inboxId, t.mailbox, t.uidvalidity, t.uid),
    index('decisions_account_message_id_idx').on(t.accountId, t.messageIdNorm),
    // The API pages an inbox's decisions newest first (migration 0008).
    index('decisions_inbox_created_idx').on(t.inboxId, t.createdAt.desc(), t.id.desc()),
    oneOf('decisions_decision_ck', t.decision, DECISION_OUTCOMES),
  ],
);

/**
 * An email the CRM asked to send, saved before its send job is queued: the job carries only
 * (account_id, id), and the worker reads what it sends from here, scoped by the job's account. The
 * columns after the request are the worker's state between attempts (send-email.ts in the sync worker).
 */
export const outgoingEmails = pgTable(
  'outgoing_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    /** The sending user: the logged email's thread owner. Null from a team inbox with no user. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** The caller's idempotency key: one outgoing email, and one send, per key and account. */
    sendId: text('send_id').notNull(),
    /** Recipients as the caller wrote them (`bob@x.test` or `Bob <bob@x.test>`); the worker parses them. */
    to: text('to_recipients').array().notNull(),
    cc: text('cc_recipients').array().notNull().default(sql`'{}'::text[]`),
    subject: storableText('subject').notNull(),
    textBody: storableText('text_body'),
    htmlBody: storableText('html_body'),
    contactIds: uuid('contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    companyIds: uuid('company_ids').array().notNull().default(sql`'{}'::uuid[]`),
    dealIds: uuid('deal_ids').array().notNull().default(sql`'{}'::uuid[]`),
    status: text('status', { enum: OUTGOING_STATUSES }).notNull().default('pending'),
    /** Built once, on the first attempt, and saved before anything is sent: what SMTP sends and Sent gets. */
    messageId: storableText('message_id'),
    /** The exact RFC 5322 bytes. */
    raw: bytea('raw'),
    /** The Date header. */
    messageDate: tstz('message_date'),
    /** The caller asked for open (and, where allowed, click) tracking (0016). */
    track: boolean('track').notNull().default(false),
    /** A tracked email's bytes for the \Sent folder: the same message without pixel or rewritten links; null: raw. */
    sentCopyRaw: bytea('sent_copy_raw'),
    /** What tracking each recipient got and why (pure planTracking's decisions), saved with the built message. */
    trackingPlan: jsonb('tracking_plan'),
    /** Set just before the message is handed to SMTP, cleared only when SMTP certainly did not take it. */
    smtpStartedAt: tstz('smtp_started_at'),
    /** The result: the logged email, the recipients the server refused while it took the others. */
    emailId: uuid('email_id').references(() => loggedEmails.id, { onDelete: 'set null' }),
    rejected: text('rejected').array().notNull().default(sql`'{}'::text[]`),
    sentAt: tstz('sent_at'),
    /** A final failure as `code: sentence`, what the job failed with. */
    failure: storableText('failure'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('outgoing_emails_account_send_id_uq').on(t.accountId, t.sendId),
    // The timeline's tracking summary finds a logged email's send by it (0018).
    index('outgoing_emails_email_idx').on(t.emailId).where(sql`${t.emailId} IS NOT NULL`),
    oneOf('outgoing_emails_status_ck', t.status, OUTGOING_STATUSES),
    check('outgoing_emails_send_id_ck', sql`${t.sendId} ~ '^[A-Za-z0-9._-]{1,128}$'`),
    check('outgoing_emails_to_ck', sql`cardinality(${t.to}) > 0`),
    check('outgoing_emails_body_ck', sql`${t.textBody} IS NOT NULL OR ${t.htmlBody} IS NOT NULL`),
    // The built message is saved whole or not at all, and SMTP never starts before it exists.
    check('outgoing_emails_built_ck', sql`(${t.raw} IS NULL) = (${t.messageId} IS NULL) AND (${t.raw} IS NULL) = (${t.messageDate} IS NULL)`),
    check('outgoing_emails_smtp_after_build_ck', sql`${t.smtpStartedAt} IS NULL OR ${t.raw} IS NOT NULL`),
    check('outgoing_emails_sent_ck', sql`${t.status} <> 'sent' OR ${t.sentAt} IS NOT NULL`),
    check('outgoing_emails_failure_ck', sql`(${t.status} = 'failed') = (${t.failure} IS NOT NULL)`),
  ],
);

/** The files of an outgoing email, in order (the CLI read them on the operator's machine). */
export const outgoingAttachments = pgTable(
  'outgoing_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    outgoingEmailId: uuid('outgoing_email_id')
      .notNull()
      .references(() => outgoingEmails.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    filename: text('filename').notNull(),
    /** Null: the message composer picks one from the filename. */
    contentType: text('content_type'),
    size: integer('size').notNull(),
    content: bytea('content').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('outgoing_attachments_email_position_uq').on(t.outgoingEmailId, t.position),
    check('outgoing_attachments_position_ck', sql`${t.position} >= 0`),
    check('outgoing_attachments_filename_ck', sql`${t.filename} <> ''`),
    check('outgoing_attachments_size_ck', sql`${t.size} = octet_length(${t.content})`),
  ],
);

/**
 * API keys (apps/api). The key is `rsk_<prefix>_<secret>`: the prefix is public and finds the row, the
 * secret is 32 random bytes stored only as its SHA-256 (see packages/db/src/api-key-format.ts).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    prefix: text('prefix').notNull(),
    secretHash: bytea('secret_hash').notNull(),
    scopes: text('scopes', { enum: API_KEY_SCOPES }).array().notNull(),
    name: text('name'),
    createdAt: createdAt(),
    /** Updated at most once a minute per key, so a busy key costs no write per request. */
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_keys_prefix_uq').on(t.prefix),
    index('api_keys_account_idx').on(t.accountId, t.createdAt),
    check('api_keys_scopes_ck', sql`cardinality(${t.scopes}) > 0 AND ${t.scopes} <@ ARRAY['read', 'write', 'support']::text[]`),
    check('api_keys_secret_hash_ck', sql`octet_length(${t.secretHash}) = 32`),
  ],
);

/**
 * An Idempotency-Key of a creating POST (apps/api): the first request's hash and its response, replayed for
 * the same key and body for 24 hours. A row without a response is a request still running.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    accountId: accountId(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

/**
 * A webhook subscription: where an account's events go. The signing secret is encrypted like inbox
 * credentials (field `webhook_secret`, bound to this row). An endpoint failing for 3 days is disabled
 * with a sentence saying why; `failing_since` is the start of the current run of failures.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    url: text('url').notNull(),
    eventTypes: text('event_types').array().notNull(),
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    disabledAt: tstz('disabled_at'),
    disabledReason: text('disabled_reason'),
    failingSince: tstz('failing_since'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_endpoints_account_idx').on(t.accountId),
    keysetIndex('webhook_endpoints_account_created_idx', t),
    check('webhook_endpoints_event_types_ck', sql`cardinality(${t.eventTypes}) > 0`),
    check('webhook_endpoints_disabled_ck', sql`${t.enabled} OR ${t.disabledReason} IS NOT NULL`),
  ],
);

/**
 * The outbox: one row per event, written in the same transaction as the change it tells of
 * (recordEvent), so a committed change always has its event and a rolled-back one has none. The relay
 * sets relayed_at once the event's deliveries are queued. The payload holds ids, codes and sentences,
 * never a body.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    /** `evt_…`: the Standard Webhooks webhook-id, the same on every attempt, for receivers to de-duplicate. */
    id: text('id').primaryKey(),
    accountId: accountId(),
    type: text('type', { enum: WEBHOOK_EVENT_TYPES }).notNull(),
    payload: storableJsonb<Record<string, unknown>>('payload').notNull(),
    createdAt: createdAt(),
    relayedAt: tstz('relayed_at'),
  },
  (t) => [
    index('webhook_events_unrelayed_idx').on(t.createdAt).where(sql`${t.relayedAt} IS NULL`),
    index('webhook_events_relayed_created_idx').on(t.createdAt).where(sql`${t.relayedAt} IS NOT NULL`),
    index('webhook_events_account_idx').on(t.accountId, t.createdAt),
    oneOf('webhook_events_type_ck', t.type, WEBHOOK_EVENT_TYPES),
  ],
);

/** One event to one endpoint: made by the relay, its state kept by the delivery worker. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: tstz('last_attempt_at'),
    nextAttemptAt: tstz('next_attempt_at'),
    deliveredAt: tstz('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_endpoint_uq').on(t.eventId, t.endpointId),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
    oneOf('webhook_deliveries_status_ck', t.status, WEBHOOK_DELIVERY_STATUSES),
  ],
);

/** Every POST made, with its outcome: what `webhook attempts` and the API show. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status', { enum: WEBHOOK_ATTEMPT_STATUSES }).notNull(),
    responseStatus: integer('response_status'),
    /** A code of the delivery worker's (`timeout`, `connection_failed`, `http_error`, ...) and its sentence. */
    errorCode: text('error_code'),
    error: storableText('error'),
    durationMs: integer('duration_ms').notNull(),
    nextAttemptAt: tstz('next_attempt_at'),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_attempts_endpoint_idx').on(t.accountId, t.endpointId, t.at),
    index('webhook_attempts_endpoint_at_id_idx').on(t.accountId, t.endpointId, t.at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('webhook_attempts_delivery_idx').on(t.deliveryId),
    index('webhook_attempts_at_idx').on(t.at),
    oneOf('webhook_attempts_status_ck', t.status, WEBHOOK_ATTEMPT_STATUSES),
  ],
);

export { CONSOLE_LANGUAGES, CONSOLE_ROLES, type ConsoleLanguage, type ConsoleRole } from './console-roles';

/**
 * People who sign in to the support console. The email is unique across accounts (it finds the account at
 * sign-in); the password is stored only as an scrypt hash (packages/db/src/console-password.ts).
 */
export const consoleUsers = pgTable(
  'console_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: CONSOLE_ROLES }).notNull(),
    language: text('language', { enum: CONSOLE_LANGUAGES }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('console_users_email_uq').on(t.email),
    index('console_users_account_idx').on(t.accountId),
    oneOf('console_users_role_ck', t.role, CONSOLE_ROLES),
    check('console_users_language_ck', sql`${t.language} IS NULL OR ${t.language} IN ('en', 'nl', 'pl')`),
    check('console_users_email_ck', sql`${t.email} = lower(${t.email}) AND ${t.email} <> ''`),
  ],
);

/** A console sign-in: the cookie holds 32 random bytes, the row only their SHA-256, until expires_at. */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    consoleUserId: uuid('console_user_id')
      .notNull()
      .references(() => consoleUsers.id, { onDelete: 'cascade' }),
    tokenHash: bytea('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('console_sessions_token_hash_uq').on(t.tokenHash),
    index('console_sessions_expires_idx').on(t.expiresAt),
    check('console_sessions_token_hash_ck', sql`octet_length(${t.tokenHash}) = 32`),
  ],
);

export type Account = typeof accounts.$inferSelect;
export type User = typeof users.$inferSelect;
export type InboxRow = typeof inboxes.$inferSelect;
export type InboxStatusHistoryRow = typeof inboxStatusHistory.$inferSelect;
export type Company = typeof companies.$inferSelect;
export type Contact = typeof contacts.$inferSelect;
export type Deal = typeof deals.$inferSelect;
export type NeverLogRow = typeof neverLog.$inferSelect;
export type DoNotTrackRow = typeof doNotTrack.$inferSelect;
export type LoggedEmail = typeof loggedEmails.$inferSelect;
export type EmailAssociation = typeof emailAssociations.$inferSelect;
export type Attachment = typeof attachments.$inferSelect;
export type DecisionRow = typeof decisions.$inferSelect;
export type OutgoingEmail = typeof outgoingEmails.$inferSelect;
export type OutgoingAttachment = typeof outgoingAttachments.$inferSelect;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;
export type ConsoleUserRow = typeof consoleUsers.$inferSelect;
export type ConsoleSessionRow = typeof consoleSessions.$inferSelect;

/**
 * An account's logging addresses (migration 0012). One active token per account and kind; rotating
 * retires it (`retired_at`), after which mail to it is refused at RCPT like any unknown address.
 */
export const inboundAddresses = pgTable(
  'inbound_addresses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    kind: text('kind', { enum: INBOUND_ADDRESS_KINDS }).notNull(),
    /** 26 base32 characters (130 random bits): the address's local part is `<kind>-<token>`. */
    token: text('token').notNull(),
    createdAt: createdAt(),
    retiredAt: tstz('retired_at'),
  },
  (t) => [
    uniqueIndex('inbound_addresses_token_uq').on(t.token),
    uniqueIndex('inbound_addresses_active_uq').on(t.accountId, t.kind).where(sql`${t.retiredAt} IS NULL`),
    oneOf('inbound_addresses_kind_ck', t.kind, INBOUND_ADDRESS_KINDS),
    check('inbound_addresses_token_ck', sql`${t.token} ~ '^[a-z2-7]{26}$'`),
  ],
);

/**
 * A message received by apps/inbound: spooled (raw bytes, committed before the SMTP "250") and then
 * processed into a decision (reason code, detail, the logged email). The raw bytes are dropped once
 * processed; the row stays as the decision `explain` shows.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    addressKind: text('address_kind', { enum: INBOUND_ADDRESS_KINDS }).notNull(),
    envelopeFrom: storableText('envelope_from'),
    envelopeTo: text('envelope_to').array().notNull(),
    clientIp: text('client_ip'),
    helo: storableText('helo'),
    raw: bytea('raw'),
    size: integer('size').notNull(),
    receivedAt: tstz('received_at').notNull().defaultNow(),
    status: text('status', { enum: INBOUND_MESSAGE_STATUSES }).notNull().default('spooled'),
    messageId: storableText('message_id'),
    messageIdNorm: storableText('message_id_norm'),
    fromAddress: storableText('from_address'),
    subject: storableText('subject'),
    decision: text('decision', { enum: DECISION_OUTCOMES }),
    reasonCode: text('reason_code'),
    detail: storableText('detail'),
    emailId: uuid('email_id').references(() => loggedEmails.id, { onDelete: 'set null' }),
    processedAt: tstz('processed_at'),
    /** Read from a logging mailbox (null: received by SMTP): where, so each message is spooled once. */
    inboxId: uuid('inbox_id').references(() => inboxes.id, { onDelete: 'set null' }),
    folder: storableText('folder'),
    uidvalidity: imapNumber('uidvalidity'),
    uid: imapNumber('uid'),
  },
  (t) => [
    index('inbound_messages_account_message_id_idx').on(t.accountId, t.messageIdNorm),
    uniqueIndex('inbound_messages_mailbox_uid_uq').on(t.inboxId, t.folder, t.uidvalidity, t.uid).where(sql`${t.inboxId} IS NOT NULL`),
    index('inbound_messages_spooled_idx').on(t.receivedAt).where(sql`${t.status} = 'spooled'`),
    oneOf('inbound_messages_address_kind_ck', t.addressKind, INBOUND_ADDRESS_KINDS),
    oneOf('inbound_messages_status_ck', t.status, INBOUND_MESSAGE_STATUSES),
    oneOf('inbound_messages_decision_ck', t.decision, DECISION_OUTCOMES),
    check('inbound_messages_processed_ck', sql`(${t.status} = 'processed') = (${t.reasonCode} IS NOT NULL)`),
  ],
);

/** Where the fleet has read each folder of a logging mailbox up to (the INBOX checkpoint's counterpart). */
export const loggingFolderCheckpoints = pgTable(
  'logging_folder_checkpoints',
  {
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    folder: text('folder').notNull(),
    uidvalidity: imapNumber('uidvalidity').notNull(),
    lastUid: imapNumber('last_uid').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.inboxId, t.folder] })],
);

export type InboundAddressRow = typeof inboundAddresses.$inferSelect;
export type InboundMessageRow = typeof inboundMessages.$inferSelect;

export { EVENT_CLASSES as TRACKING_EVENT_CLASSES, EVENT_REASONS as TRACKING_EVENT_REASONS } from '@reply-sync/tracking';
const TRACKING_KINDS = ['open', 'click'] as const;
const TRACKING_METHODS = ['GET', 'HEAD'] as const;

/** One distinct tracker request (open or click) of a tracked email's recipient, classified; repeats collapse into hits. */
export const trackingEvents = pgTable(
  'tracking_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: accountId(),
    emailId: uuid('email_id')
      .notNull()
      .references(() => outgoingEmails.id, { onDelete: 'cascade' }),
    /** Null: an anonymous event (a multi-recipient email, or a recipient who may not be tracked by name). */
    recipient: text('recipient'),
    kind: text('kind', { enum: TRACKING_KINDS }).notNull(),
    target: text('target'),
    method: text('method', { enum: TRACKING_METHODS }).notNull(),
    eventClass: text('event_class', { enum: EVENT_CLASSES }).notNull(),
    reason: text('reason', { enum: EVENT_REASONS }).notNull(),
    /** A person's open or click (human, or Gmail's first proxy fetch): what notifies and turns "Sent" into "Opened". */
    counted: boolean('counted').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    occurredAt: tstz('occurred_at').notNull(),
    lastSeenAt: tstz('last_seen_at').notNull(),
    hits: integer('hits').notNull().default(1),
    /** Same email, recipient, kind, link, address and agent in the same minute: one row. */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('tracking_events_dedupe_key_uq').on(t.dedupeKey),
    index('tracking_events_email_recipient_idx').on(t.emailId, t.recipient, t.occurredAt),
    index('tracking_events_account_idx').on(t.accountId, t.occurredAt),
    oneOf('tracking_events_kind_ck', t.kind, TRACKING_KINDS),
    oneOf('tracking_events_method_ck', t.method, TRACKING_METHODS),
    oneOf('tracking_events_event_class_ck', t.eventClass, EVENT_CLASSES),
    oneOf('tracking_events_reason_ck', t.reason, EVENT_REASONS),
    check('tracking_events_target_ck', sql`(${t.kind} = 'click') = (${t.target} IS NOT NULL)`),
    check('tracking_events_hits_ck', sql`${t.hits} > 0`),
  ],
);

export type TrackingEventRow = typeof trackingEvents.$inferSelect;
