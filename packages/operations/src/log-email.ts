// `email log` and POST /v1/emails/log: registers an email the CRM sent or logged (a raw RFC 5322 message), which starts a
// thread that replies are matched against.
import type { AttachmentInput, Company, Deal, Scoped } from '@reply-sync/db';
import { decodeHeaderValue, firstHeader, matchNeverLog, normalizeMessageId, parseAddressList, parseHeaderBlock, parseMessageIdList, type Address } from '@reply-sync/threading';
import { simpleParser } from 'mailparser';
import { requireUser } from './accounts';
import { OperationError } from './operation-error';
import type { LogSource } from './log-sources';

/** The most an email may have in total (headers, body and attachments) to be logged. */
export const MAX_LOGGED_EMAIL_BYTES = 50 * 1024 * 1024;
/** The deals of each recipient contact associated by default: its first (oldest) open ones. */
export const DEFAULT_DEALS_PER_CONTACT = 3;

export interface LogEmailInput {
  raw: Buffer;
  /** The user who sent it: the thread owner. */
  userEmail: string;
  /** The inbox it was sent from; default the user's personal inbox when they have exactly one. */
  inboxId?: string | undefined;
  /** Extra deals and companies (by name or id) to associate, besides the recipients' own. */
  deals?: string[] | undefined;
  companies?: string[] | undefined;
  /** Contacts (by email) to associate besides the recipients'. */
  contacts?: string[] | undefined;
  /**
   * An explicit selection: associate exactly `contacts`, `deals` and `companies`, without the default
   * (the recipients' contacts, made when missing, their companies and first three open deals).
   */
  only?: boolean | undefined;
  source?: LogSource | undefined;
}

export interface LoggedEmailSummary {
  /** False when this Message-ID was already logged in the account (nothing changed). */
  inserted: boolean;
  emailId: string;
  threadId: string;
  messageId: string;
  subject: string;
  from: Address;
  to: Address[];
  cc: Address[];
  sentAt: Date | null;
  threadOwner: { id: string; email: string };
  inbox: { id: string; address: string } | null;
  attachments: { filename: string | null; size: number }[];
  associations: {
    contacts: { id: string; email: string }[];
    companies: { id: string; name: string }[];
    deals: { id: string; name: string }[];
  };
}

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

async function pickInbox(s: Scoped, userId: string, userEmail: string, inboxId: string | undefined) {
  const inboxes = await s.inboxes.list();
  if (inboxId) {
    const inbox = inboxes.find((i) => i.id === inboxId);
    if (!inbox) throw new OperationError('inbox_not_found', `There is no inbox ${inboxId} in this account.`, undefined, { step: 'list_inboxes' });
    return inbox;
  }
  const own = inboxes.filter((i) => i.kind === 'personal' && i.userId === userId);
  if (own.length > 1) {
    throw new OperationError('inbox_ambiguous', `${userEmail} has ${own.length} inboxes; say which one the email was sent from with --inbox ID.`);
  }
  return own[0] ?? null;
}

async function findAll<T extends Company | Deal>(names: string[], find: (name: string) => Promise<T | null>, what: string): Promise<T[]> {
  const found: T[] = [];
  for (const name of new Set(names)) {
    const row = await find(name);
    if (!row) throw new OperationError(`${what}_not_found`, `There is no ${what} "${name}" in this account.`, undefined, what === 'company' ? { step: 'add_company', name } : { step: 'add_deal', name });
    found.push(row);
  }
  return found;
}

/**
 * The contacts of the To and Cc recipients. A recipient with no contact gets one, owned by the sending
 * user and non-marketing, unless it is on the never-log list, is the sender, or is a user of the account.
 * An existing contact with no owner gets the sender as owner; one already owned keeps its owner.
 */
async function recipientContacts(s: Scoped, recipients: Address[], sender: { id: string; email: string }, from: Address) {
  const wanted = new Map<string, Address>();
  for (const r of recipients) if (!wanted.has(r.address.toLowerCase())) wanted.set(r.address.toLowerCase(), r);
  const existing = await s.contacts.findByEmails([...wanted.keys()]);
  const known = new Set(existing.map((c) => c.email.toLowerCase()));
  // An existing contact with no owner gets the sender; one that has an owner keeps it.
  await s.contacts.claimUnowned(existing.map((c) => c.id), sender.id);
  const missing = [...wanted.values()].filter((r) => !known.has(r.address.toLowerCase()));
  if (missing.length === 0) return existing;
  const [neverLog, users] = await Promise.all([s.neverLog.entries(), s.users.list()]);
  const userEmails = new Set([sender.email, from.address, ...users.map((u) => u.email)].map((e) => e.toLowerCase()));
  const created = [];
  for (const r of missing) {
    if (userEmails.has(r.address.toLowerCase()) || matchNeverLog(r.address, neverLog)) continue;
    try {
      created.push(await s.contacts.add({ email: r.address, name: r.name || null, ownerUserId: sender.id }));
    } catch (error) {
      // Made meanwhile by another message: kept as it is, owner included.
      if ((error as { code?: string }).code !== 'contact_exists') throw error;
      created.push(...(await s.contacts.findByEmails([r.address])));
    }
  }
  return [...existing, ...created];
}

export async function logEmail(s: Scoped, input: LogEmailInput): Promise<LoggedEmailSummary> {
  if (input.raw.length > MAX_LOGGED_EMAIL_BYTES) {
    const mb = (input.raw.length / 1024 / 1024).toFixed(1);
    throw new OperationError(
      'email_too_large',
      `The email is ${mb} MB in total, over the ${MAX_LOGGED_EMAIL_BYTES / 1024 / 1024} MB an email may have to be logged: it was delivered to its recipients but not logged. Log it again without its large attachments (send them as links).`,
    );
  }
  const headers = parseHeaderBlock(input.raw);
  const rawMessageId = firstHeader(headers, 'message-id');
  if (!rawMessageId || !normalizeMessageId(rawMessageId)) {
    throw new OperationError('message_id_missing', 'The email has no usable Message-ID header, so replies to it could never be matched; export it again with its headers.');
  }
  const from = parseAddressList(firstHeader(headers, 'from'))[0];
  if (!from) throw new OperationError('from_missing', 'The email has no From address; export it again with its headers.');
  const to = parseAddressList((headers.get('to') ?? []).join(', '));
  const cc = parseAddressList((headers.get('cc') ?? []).join(', '));
  const subject = decodeHeaderValue(firstHeader(headers, 'subject')).replace(/\s+/g, ' ').trim();
  const sentAt = parseDate(firstHeader(headers, 'date'));
  const inReplyTo = parseMessageIdList(firstHeader(headers, 'in-reply-to'))[0] ?? null;
  const references = parseMessageIdList((headers.get('references') ?? []).join(' '));

  const user = await requireUser(s, input.userEmail);
  const inbox = await pickInbox(s, user.id, user.email, input.inboxId);

  // Associations, computed here (not by logOutbound's default) so the command reports exactly what
  // it stored: the To and Cc recipients' contacts (created when missing), their companies and each one's
  // first three open deals, plus --deal/--company.
  const contacts = input.only ? [] : await recipientContacts(s, [...to, ...cc], user, from);
  for (const email of new Set(input.contacts ?? [])) {
    const [c] = await s.contacts.findByEmails([email]);
    if (!c) throw new OperationError('contact_not_found', `There is no contact ${email} in this account.`, undefined, { step: 'add_contact', email });
    if (!contacts.some((x) => x.id === c.id)) contacts.push(c);
  }
  const defaults = input.only ? [] : contacts;
  const companyRows = new Map<string, Company>();
  const dealRows = new Map<string, Deal>();
  for (const c of defaults) {
    for (const id of c.companyIds) {
      const company = await s.companies.get(id);
      if (company) companyRows.set(id, company);
    }
    for (const deal of await s.deals.openOfContact(c.id, DEFAULT_DEALS_PER_CONTACT)) dealRows.set(deal.id, deal);
  }
  for (const c of await findAll(input.companies ?? [], (n) => s.companies.find(n), 'company')) companyRows.set(c.id, c);
  for (const d of await findAll(input.deals ?? [], (n) => s.deals.find(n), 'deal')) dealRows.set(d.id, d);

  const parsed = await simpleParser(input.raw);
  const attachments: AttachmentInput[] = parsed.attachments.map((a) => ({
    filename: a.filename ?? null,
    contentType: a.contentType || 'application/octet-stream',
    content: a.content,
    contentId: a.contentId ?? null,
  }));

  const result = await s.emails.logOutbound({
    source: input.source ?? 'log',
    direction: 'outbound',
    messageId: rawMessageId,
    userId: user.id,
    inboxId: inbox?.id ?? null,
    from,
    to,
    cc,
    subject,
    sentAt,
    textBody: parsed.text ?? null,
    htmlBody: typeof parsed.html === 'string' ? parsed.html : null,
    inReplyTo,
    references,
    contactIds: contacts.map((c) => c.id),
    companyIds: [...companyRows.keys()],
    dealIds: [...dealRows.keys()],
    associateRecipients: false,
    attachments,
  });

  return {
    inserted: result.inserted,
    emailId: result.emailId,
    threadId: result.threadId,
    messageId: rawMessageId.trim(),
    subject,
    from,
    to,
    cc,
    sentAt,
    threadOwner: { id: user.id, email: user.email },
    inbox: inbox ? { id: inbox.id, address: inbox.address } : null,
    attachments: attachments.map((a) => ({ filename: a.filename, size: a.content.length })),
    associations: {
      contacts: contacts.map((c) => ({ id: c.id, email: c.email })),
      companies: [...companyRows.values()].map((c) => ({ id: c.id, name: c.name })),
      deals: [...dealRows.values()].map((d) => ({ id: d.id, name: d.name })),
    },
  };
}
