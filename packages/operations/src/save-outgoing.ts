// Saving an email the CRM asks to send (`email send`, POST /v1/emails): checked (inbox connected with SMTP,
// recipients, associations, attachment size) and saved with its attachments in one transaction, once per
// send key. The send job then names it by id only: the worker never takes content from the queue.
import { MAX_OUTGOING_ATTACHMENT_BYTES, type OutgoingAttachmentInput, type OutgoingEmail, type Scoped } from '@reply-sync/db';
import { OperationError } from './operation-error';

async function resolveAssociations(s: Scoped, o: Pick<SaveOutgoingInput, 'contacts' | 'companies' | 'deals'>) {
  const contactIds: string[] = [];
  for (const email of o.contacts) {
    const c = await s.contacts.findByEmail(email);
    if (!c) throw new OperationError('contact_not_found', `There is no contact ${email}.`, undefined, { step: 'add_contact', email });
    contactIds.push(c.id);
  }
  const companyIds: string[] = [];
  for (const name of o.companies) {
    const c = await s.companies.find(name);
    if (!c) throw new OperationError('company_not_found', `There is no company "${name}" in this account.`);
    companyIds.push(c.id);
  }
  const dealIds: string[] = [];
  for (const name of o.deals) {
    const d = await s.deals.find(name);
    if (!d) throw new OperationError('deal_not_found', `There is no deal "${name}" in this account.`);
    dealIds.push(d.id);
  }
  return { contactIds, companyIds, dealIds };
}

export interface SaveOutgoingInput {
  inboxId: string;
  sendId: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string | null;
  html: string | null;
  /** Read only when the email is new (the CLI reads files, the API decodes its body's). */
  attachments: () => Promise<OutgoingAttachmentInput[]>;
  /** Contact emails, company and deal names (or ids) to associate. */
  contacts: string[];
  companies: string[];
  deals: string[];
  /** Open (and, where allowed, click) tracking (issue 15); default false. */
  track?: boolean;
}

/**
 * Checks To and Cc as the worker will parse them, throwing OperationError on the first that is not an
 * address. The worker's parser (apps/sync-worker) is passed in by the app: packages do not import apps.
 */
export type RecipientCheck = (recipients: { to: string[]; cc: string[] }) => void;

/**
 * The outgoing email for this key: the one saved before (`created: false`, nothing read or checked
 * again), or a new one, after checking the inbox and the recipients and reading the attachments.
 */
export async function saveOutgoing(s: Scoped, input: SaveOutgoingInput, checkRecipients: RecipientCheck): Promise<{ created: boolean; email: OutgoingEmail }> {
  const existing = await s.outgoingEmails.findBySendId(input.sendId);
  if (existing) return { created: false, email: existing };

  const inbox = await s.inboxes.get(input.inboxId).catch(() => null);
  if (!inbox) throw new OperationError('inbox_not_found', `There is no inbox ${input.inboxId} in this account.`, undefined, { step: 'list_inboxes' });
  if (inbox.status !== 'connected') throw new OperationError('inbox_not_connected', `The inbox ${inbox.address} is ${inbox.status}; reconnect it before sending from it.`);
  if (!inbox.smtpHost) throw new OperationError('smtp_not_configured', `The inbox ${inbox.address} has no SMTP server; reconnect it with --smtp-host to send from it.`);
  // The worker parses them again when it sends; checked here so a typo is not saved at all.
  checkRecipients({ to: input.to, cc: input.cc });
  const attachments = await input.attachments();
  if (attachments.reduce((n, a) => n + a.content.length, 0) > MAX_OUTGOING_ATTACHMENT_BYTES) {
    throw new OperationError('attachments_too_large', `The attachments add up to more than ${MAX_OUTGOING_ATTACHMENT_BYTES / 1024 / 1024} MB, the most an email sent from the CRM carries; send large files as links.`);
  }
  const associations = await resolveAssociations(s, input);
  return s.outgoingEmails.create({
    inboxId: inbox.id,
    userId: inbox.userId,
    sendId: input.sendId,
    to: input.to,
    cc: input.cc,
    subject: input.subject,
    textBody: input.text,
    htmlBody: input.html,
    ...associations,
    attachments,
    track: input.track ?? false,
  });
}
