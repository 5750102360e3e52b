// The one place an inbox row's encrypted credentials are sealed and opened: bound to the row's account
// and inbox (crypto/credentials.ts), and a pre-v2 value upgraded in place the first time it is read.
import { and, asc, eq, gt, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import {
  CredentialsDecryptError,
  decryptCredentials,
  encryptCredentials,
  isCurrentCredentials,
  isLegacyCredentials,
  type CredentialsDecryptErrorCode,
  type EncryptionKeys,
} from '../crypto/index';
import { inboxes } from '../schema';

interface CredentialsRow {
  accountId: string;
  /** The inbox id. */
  id: string;
  credentials: string;
}

/** The column values for `value` encrypted for this inbox with the active key. */
export function sealCredentials(value: object, keys: EncryptionKeys, row: { accountId: string; id: string }) {
  return {
    credentials: encryptCredentials(value, keys, { accountId: row.accountId, inboxId: row.id }),
    credentialsKeyId: keys.active.id,
  };
}

/**
 * Compare-and-set: writes `next` only while the row still holds `previous`, so a reconnect or a token
 * refresh that stored new credentials meanwhile is never overwritten. Returns whether it wrote.
 */
async function replaceCredentials(db: DbOrTx, row: CredentialsRow, next: ReturnType<typeof sealCredentials>): Promise<boolean> {
  const written = await db
    .update(inboxes)
    .set(next)
    .where(and(eq(inboxes.id, row.id), eq(inboxes.accountId, row.accountId), eq(inboxes.credentials, row.credentials)))
    .returning({ id: inboxes.id });
  return written.length > 0;
}

/**
 * Decrypts the row's credentials (CredentialsDecryptError when they belong to another row, were
 * altered or need a missing key). A v1 value, which is not bound to its row, is re-encrypted as v2
 * before it is returned, so each row is upgraded by its first reader.
 */
export async function openCredentials<T>(db: DbOrTx, row: CredentialsRow, keys: EncryptionKeys): Promise<T> {
  const value = decryptCredentials<T>(row.credentials, keys, { accountId: row.accountId, inboxId: row.id });
  if (isLegacyCredentials(row.credentials)) await replaceCredentials(db, row, sealCredentials(value as object, keys, row));
  return value;
}

/**
 * Re-encrypts the row's credentials as v2 with the active key unless they already are; returns whether
 * it wrote. Current values are decrypted too, so one copied from another row is reported, not kept.
 */
export async function reencryptCredentials(db: DbOrTx, row: CredentialsRow, keys: EncryptionKeys): Promise<boolean> {
  const value = decryptCredentials<object>(row.credentials, keys, { accountId: row.accountId, inboxId: row.id });
  if (isCurrentCredentials(row.credentials, keys)) return false;
  return replaceCredentials(db, row, sealCredentials(value, keys, row));
}

export interface ReencryptAllResult {
  /** Inboxes whose credentials were already v2 under the active key (and decrypt for their row). */
  current: number;
  reencrypted: number;
  /** Rows that could not be decrypted, each with the error's code and sentence; they are left as they are. */
  failed: { accountId: string; inboxId: string; code: CredentialsDecryptErrorCode; message: string }[];
}

const BATCH = 500;

/**
 * Maintenance across accounts (`reply-sync credentials reencrypt`): every stored value is decrypted for
 * its row; those that are v1 or under an older key are re-encrypted as v2 with the active key, and those
 * that do not decrypt are listed. The keys live in the environment, not in the database, so this runs
 * from code rather than as a SQL migration; reads upgrade v1 rows one by one too.
 */
export async function reencryptAllCredentials(db: DbOrTx, keys: EncryptionKeys): Promise<ReencryptAllResult> {
  const result: ReencryptAllResult = { current: 0, reencrypted: 0, failed: [] };
  let after: string | null = null;
  for (;;) {
    const rows = await db
      .select({ accountId: inboxes.accountId, id: inboxes.id, credentials: inboxes.credentials })
      .from(inboxes)
      .where(and(isNotNull(inboxes.credentials), after === null ? undefined : gt(inboxes.id, after)))
      .orderBy(asc(inboxes.id))
      .limit(BATCH);
    for (const row of rows) {
      try {
        if (await reencryptCredentials(db, { ...row, credentials: row.credentials! }, keys)) result.reencrypted++;
        else result.current++;
      } catch (error) {
        if (!(error instanceof CredentialsDecryptError)) throw error;
        result.failed.push({ accountId: row.accountId, inboxId: row.id, code: error.code, message: error.message });
      }
    }
    if (rows.length < BATCH) return result;
    after = rows[rows.length - 1]!.id;
  }
}
