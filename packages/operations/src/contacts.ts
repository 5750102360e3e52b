// Contacts with their company and deals (created when missing), and the never-log list.
import type { Company, Contact, Deal, NeverLogRow, Scoped } from '@reply-sync/db';
import { OperationError } from './operation-error';
import { requireUser } from './accounts';

export interface AddContactInput {
  email: string;
  name?: string | undefined;
  /** Email of the user who owns the contact. */
  ownerEmail?: string | undefined;
  company?: string | undefined;
  deals?: string[] | undefined;
  legalBasis?: string | undefined;
}

export interface AddedContact {
  contact: Contact;
  company: Company | null;
  deals: Deal[];
}

export async function addContact(s: Scoped, input: AddContactInput): Promise<AddedContact> {
  const owner = input.ownerEmail ? await requireUser(s, input.ownerEmail) : null;
  const company = input.company ? await s.companies.findOrCreate({ name: input.company }) : null;
  const deals: Deal[] = [];
  for (const name of new Set(input.deals ?? [])) deals.push(await s.deals.findOrCreate({ name }));
  const contact = await s.contacts.add({
    email: input.email,
    name: input.name ?? null,
    ownerUserId: owner?.id ?? null,
    legalBasis: input.legalBasis ?? null,
    companyIds: company ? [company.id] : [],
    dealIds: deals.map((d) => d.id),
  });
  const { companyIds: _c, dealIds: _d, ...row } = contact;
  return { contact: row, company, deals };
}

/** `@example.com` or `example.com` is a domain (and its subdomains); anything with a local part an address. */
export function neverLogKind(value: string): 'address' | 'domain' {
  const v = value.trim();
  return v.startsWith('@') || !v.includes('@') ? 'domain' : 'address';
}

/** An address or a domain (the never-log and do-not-track lists), trimmed; else `code` with a sentence saying what to give. */
export function checkAddressOrDomain(value: string, code: string): string {
  const v = value.trim();
  const bare = v.replace(/^@/, '');
  if (!bare || /\s/.test(bare) || !bare.includes('.') || bare.startsWith('@') || bare.endsWith('@')) {
    throw new OperationError(code, `"${value}" is neither an email address nor a domain; give e.g. ana@example.com, @example.com or example.com.`);
  }
  return v;
}

const checkNeverLogValue = (value: string): string => checkAddressOrDomain(value, 'invalid_never_log_value');

export async function addNeverLog(s: Scoped, value: string): Promise<NeverLogRow> {
  const v = checkNeverLogValue(value);
  return s.neverLog.add(neverLogKind(v), v);
}

export async function listNeverLog(s: Scoped): Promise<NeverLogRow[]> {
  return s.neverLog.list();
}

export async function removeNeverLog(s: Scoped, value: string): Promise<{ value: string; removed: number }> {
  const v = checkNeverLogValue(value);
  const removed = await s.neverLog.remove(v, neverLogKind(v));
  if (removed === 0) throw new OperationError('not_found', `"${value}" is not on the never-log list.`, undefined, { step: 'list_never_log' });
  return { value: v, removed };
}
