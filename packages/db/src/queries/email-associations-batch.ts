// The associations of a batch of new emails (reply sync's batches, the inbound BCC batches) in one
// statement, each target checked to be the account's own.
import type postgres from 'postgres';
import { DbError } from '../errors';

export interface NewEmailAssociations {
  emailId: string;
  contactIds: string[];
  companyIds: string[];
  dealIds: string[];
}

/**
 * Inserts every association of `list` (repeats within one email counted once). The emails must be new in
 * this transaction, so no row can conflict: fewer rows inserted than asked means a target that is not in
 * the account, a DbError `not_in_account` naming its kind.
 */
export async function insertNewEmailAssociations(tx: postgres.TransactionSql, accountId: string, list: NewEmailAssociations[]): Promise<void> {
  const rows: { email_id: string; kind: string; target_id: string }[] = [];
  for (const a of list) {
    const add = (kind: string, ids: string[]) => {
      for (const targetId of new Set(ids)) rows.push({ email_id: a.emailId, kind, target_id: targetId });
    };
    add('contact', a.contactIds);
    add('company', a.companyIds);
    add('deal', a.dealIds);
  }
  if (rows.length === 0) return;
  const owned = (table: string) => tx`EXISTS (SELECT 1 FROM ${tx(table)} t WHERE t.id = u.target_id AND t.account_id = ${accountId}::uuid)`;
  const inserted = await tx<{ kind: string }[]>`
    INSERT INTO email_associations (account_id, email_id, kind, target_id)
    SELECT ${accountId}::uuid, u.email_id, u.kind, u.target_id
    FROM jsonb_to_recordset(${tx`${JSON.stringify(rows)}::jsonb`}) AS u(email_id uuid, kind text, target_id uuid)
    WHERE CASE u.kind
      WHEN 'contact' THEN ${owned('contacts')}
      WHEN 'company' THEN ${owned('companies')}
      WHEN 'deal' THEN ${owned('deals')}
      ELSE false END
    ON CONFLICT DO NOTHING
    RETURNING kind`;
  if (inserted.length !== rows.length) {
    const counts = (of: { kind: string }[], kind: string) => of.filter((r) => r.kind === kind).length;
    const what = ['contact', 'company', 'deal'].find((k) => counts(inserted, k) < counts(rows, k)) ?? 'association';
    throw new DbError('not_in_account', `One or more ${what === 'company' ? 'companies' : `${what}s`} do not exist in this account.`);
  }
}
