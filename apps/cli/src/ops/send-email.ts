// `email send`'s first half: the email saved in PostgreSQL, with the operator's --attach files read here
// (on the operator's machine, bounded), in one transaction. The send job then names it by id only: the
// worker never reads a file or takes content from the queue.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_OUTGOING_ATTACHMENT_BYTES, type OutgoingAttachmentInput, type OutgoingEmail, type Scoped } from '@reply-sync/db';
import { parseRecipients, SendError } from '@reply-sync/sync-worker';
import { CliError } from '../cli-error';
import { MAX_ATTACHMENT_MB } from '../option-values';


export interface SaveSendInput {
  inboxId: string;
  sendId: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string | null;
  html: string | null;
  /** Paths on the operator's machine. */
  attach: string[];
  /** Contact emails, company and deal names to associate. */
  contacts: string[];
  companies: string[];
  deals: string[];
}

const tooLarge = () =>
  new CliError('attachments_too_large', `The attachments add up to more than ${MAX_ATTACHMENT_MB} MB, the most an email sent from the CRM carries; send large files as links.`);

/** At most `max + 1` bytes of the file: enough to tell that it is over the limit without reading it all. */
async function readAtMost(file: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(file, { start: 0, end: max })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The --attach files, each a regular file, together within the limit (checked before and while reading). */
export async function readAttachmentFiles(files: string[]): Promise<OutgoingAttachmentInput[]> {
  const out: OutgoingAttachmentInput[] = [];
  let total = 0;
  for (const file of files) {
    const info = await stat(file).catch((error: unknown) => {
      throw new CliError('file_unreadable', `Cannot read the attachment ${file} (${error instanceof Error ? error.message : String(error)}).`);
    });
    if (!info.isFile()) throw new CliError('file_unreadable', `The attachment ${file} is not a regular file (a folder, device or pipe); attach a file.`);
    if (total + info.size > MAX_OUTGOING_ATTACHMENT_BYTES) throw tooLarge();
    const content = await readAtMost(file, MAX_OUTGOING_ATTACHMENT_BYTES - total).catch((error: unknown) => {
      throw new CliError('file_unreadable', `Cannot read the attachment ${file} (${error instanceof Error ? error.message : String(error)}).`);
    });
    total += content.length;
    // A file that grew after stat (or a size stat does not report, like /proc's) is caught here.
    if (total > MAX_OUTGOING_ATTACHMENT_BYTES) throw tooLarge();
    out.push({ filename: basename(file), content });
  }
  return out;
}

async function resolveAssociations(s: Scoped, o: Pick<SaveSendInput, 'contacts' | 'companies' | 'deals'>) {
  const contactIds: string[] = [];
  for (const email of o.contacts) {
    const c = await s.contacts.findByEmail(email);
    if (!c) throw new CliError('contact_not_found', `There is no contact ${email}; add it with \`reply-sync contact add --email ${email}\` first.`);
    contactIds.push(c.id);
  }
  const companyIds: string[] = [];
  for (const name of o.companies) {
    const c = await s.companies.find(name);
    if (!c) throw new CliError('company_not_found', `There is no company "${name}" in this account.`);
    companyIds.push(c.id);
  }
  const dealIds: string[] = [];
  for (const name of o.deals) {
    const d = await s.deals.find(name);
    if (!d) throw new CliError('deal_not_found', `There is no deal "${name}" in this account.`);
    dealIds.push(d.id);
  }
  return { contactIds, companyIds, dealIds };
}

/**
 * The outgoing email for this key: the one saved before (`created: false`, nothing read or checked
 * again), or a new one, after checking the inbox and the recipients and reading the attachments.
 */
export async function saveSend(s: Scoped, input: SaveSendInput): Promise<{ created: boolean; email: OutgoingEmail }> {
  const existing = await s.outgoingEmails.findBySendId(input.sendId);
  if (existing) return { created: false, email: existing };

  const inbox = await s.inboxes.get(input.inboxId).catch(() => null);
  if (!inbox) throw new CliError('inbox_not_found', `There is no inbox ${input.inboxId} in this account (see \`reply-sync inbox list\`).`);
  if (inbox.status !== 'connected') throw new CliError('inbox_not_connected', `The inbox ${inbox.address} is ${inbox.status}; reconnect it before sending from it.`);
  if (!inbox.smtpHost) throw new CliError('smtp_not_configured', `The inbox ${inbox.address} has no SMTP server; reconnect it with --smtp-host to send from it.`);
  try {
    // The worker parses them again when it sends; checked here so a typo is not saved at all.
    parseRecipients({ to: input.to, cc: input.cc });
  } catch (error) {
    if (error instanceof SendError) throw new CliError(error.code, error.message);
    throw error;
  }
  const attachments = await readAttachmentFiles(input.attach);
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
  });
}
