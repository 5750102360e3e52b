// Recipients of a CRM send who are not contacts yet become contacts owned by the sender, except
// addresses the never-log list covers and the account's own people (users, the inbox itself).
import { DbError, type Scoped } from '@reply-sync/db';
import { matchNeverLog } from '@reply-sync/threading';

export interface RecipientContactsResult {
  created: { id: string; email: string }[];
  /** Left out because the never-log list covers them. */
  neverLog: string[];
}

export async function createRecipientContacts(
  s: Scoped,
  input: { recipients: string[]; ownerUserId: string | null; ownAddresses: string[] },
): Promise<RecipientContactsResult> {
  const wanted = [...new Set(input.recipients.map((r) => r.trim().toLowerCase()).filter(Boolean))];
  const own = new Set(input.ownAddresses.map((a) => a.toLowerCase()));
  const users = new Set((await s.users.list()).map((u) => u.email.toLowerCase()));
  const existing = new Set((await s.contacts.findByEmails(wanted)).map((c) => c.email));
  const entries = await s.neverLog.entries();
  const result: RecipientContactsResult = { created: [], neverLog: [] };
  for (const email of wanted) {
    if (existing.has(email) || own.has(email) || users.has(email)) continue;
    if (matchNeverLog(email, entries)) {
      result.neverLog.push(email);
      continue;
    }
    try {
      const contact = await s.contacts.add({ email, ownerUserId: input.ownerUserId });
      result.created.push({ id: contact.id, email });
    } catch (error) {
      // Another send (or a person) added it a moment ago: it is a contact, which is all we need.
      if (!(error instanceof DbError && error.code === 'contact_exists')) throw error;
    }
  }
  return result;
}
