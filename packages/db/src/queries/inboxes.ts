// Connected inboxes of one account: connecting (credentials encrypted), status changes with their
// history, reconnecting, removal and the sync checkpoint. Errors and last-synced: sync-health.ts.
import { randomUUID } from 'node:crypto';
import { defaultTrustedAuthservIds, type InboxContext, type SenderVerificationPolicy } from '@reply-sync/threading';
import { desc, eq, getTableColumns, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import type { EncryptionKeys } from '../crypto/index';
import { DbError } from '../errors';
import {
  inboxes,
  inboxStatusHistory,
  users,
  type AuthKind,
  type InboxKind,
  type InboxRow,
  type InboxStatus,
  type InboxStatusHistoryRow,
  type Provider,
  type TlsMode,
} from '../schema';
import { accountQueries } from './accounts';
import { saveCheckpointFor, type Checkpoint, type SavedCheckpoint } from './checkpoint';
import { openCredentials, reencryptCredentials, sealCredentials } from './stored-credentials';
import { keepRecoveredRun, NO_ERROR_RUN } from './sync-health';
import { recordEvent } from '../webhook-outbox';
import { afterPosition, isKeysetPosition, keysetLimit, newestFirst, positioned, positionText, type KeysetQuery, type Positioned } from './keyset';

/** An inbox as apps see it: everything but the encrypted credentials. */
export type Inbox = Omit<InboxRow, 'credentials'>;
export type InboxWithCredentials<C> = Inbox & { credentials: C };

export interface ServerSettings {
  imapHost: string;
  imapPort: number;
  imapTls: TlsMode;
  smtpHost?: string | null;
  smtpPort?: number | null;
  smtpTls?: TlsMode | null;
  username: string;
  /** TLS mode `none` allowed to a non-loopback host (the operator said so); default false. */
  allowPlaintext?: boolean;
}

export interface CreateInboxInput extends ServerSettings {
  /** Owner of a personal inbox; omit (null) for a team inbox. */
  userId?: string | null;
  kind: InboxKind;
  provider?: Provider;
  address: string;
  aliases?: string[];
  authKind?: AuthKind;
  /** Plain object (e.g. `{ password }` or OAuth tokens); stored encrypted with the active key, bound to the new inbox. */
  credentials: object;
  sentMailbox?: string | null;
  /** authserv-ids trusted for sender verification; omit (or null) for the provider's default. */
  trustedAuthservIds?: string[] | null;
}

export interface StatusChange {
  /** True when (status, reason) changed and a history row was written. */
  changed: boolean;
  status: InboxStatus;
  reason: string | null;
  statusSince: Date;
  /** Start of the current run of transient errors (null when there is none). */
  firstErrorAt: Date | null;
}

const { credentials: _omitted, ...inboxColumns } = getTableColumns(inboxes);
const lower = (s: string) => s.trim().toLowerCase();

/** The authserv-ids sender verification trusts for this inbox: its own list, else its provider's default. */
export function trustedAuthservIdsOf(inbox: Pick<Inbox, 'provider' | 'trustedAuthservIds'>): string[] {
  return inbox.trustedAuthservIds ?? defaultTrustedAuthservIds(inbox.provider);
}

/** The InboxContext decide() reads; the policy is the account's (scoped(...).account.senderVerification()). */
export function toInboxContext(inbox: Inbox, account: { senderVerification: SenderVerificationPolicy }): InboxContext {
  return {
    id: inbox.id,
    ownerUserId: inbox.userId,
    kind: inbox.kind,
    address: inbox.address,
    aliases: inbox.aliases,
    connectedSince: inbox.status === 'connected' ? inbox.connectedSince : null,
    trustedAuthservIds: trustedAuthservIdsOf(inbox),
    senderVerification: account.senderVerification,
  };
}

/** Lower-cased, trimmed, without repeats; null stays null (the provider's default). */
function authservIdList(ids: string[] | null | undefined): string[] | null {
  return ids == null ? null : [...new Set(ids.map(lower).filter((id) => id.length > 0))];
}

export function inboxQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;

  async function lockInbox(tx: DbOrTx, id: string): Promise<InboxRow> {
    const [row] = await tx.select().from(inboxes).where(scope.where(inboxes, eq(inboxes.id, id))).for('update');
    if (!row) throw new DbError('not_found', `No inbox ${id} in this account.`);
    return row;
  }

  function writeHistory(tx: DbOrTx, inboxId: string, status: InboxStatus, reasonCode: string | null, detail: string | null) {
    return tx.insert(inboxStatusHistory).values({ accountId, inboxId, status, reasonCode, detail });
  }

  function toChange(row: InboxRow, changed: boolean): StatusChange {
    return { changed, status: row.status, reason: row.disconnectReason, statusSince: row.statusSince, firstErrorAt: row.firstErrorAt };
  }

  return {
    /** Saves a newly connected inbox (status connected, checkpoint empty: the worker starts at UIDNEXT). */
    async create(input: CreateInboxInput, keys: EncryptionKeys): Promise<Inbox> {
      return db.transaction(async (tx) => {
        if (input.userId) await scope.assertOwned(tx, users, [input.userId], 'users');
        // The id is made here, not by the database: the credentials are encrypted for this very row.
        const id = randomUUID();
        const [row] = await tx
          .insert(inboxes)
          .values({
            id,
            accountId,
            userId: input.userId ?? null,
            kind: input.kind,
            provider: input.provider ?? 'imap',
            address: lower(input.address),
            aliases: [...new Set((input.aliases ?? []).map(lower))],
            imapHost: input.imapHost,
            imapPort: input.imapPort,
            imapTls: input.imapTls,
            smtpHost: input.smtpHost ?? null,
            smtpPort: input.smtpPort ?? null,
            smtpTls: input.smtpTls ?? null,
            allowPlaintext: input.allowPlaintext ?? false,
            username: input.username,
            authKind: input.authKind ?? 'password',
            ...sealCredentials(input.credentials, keys, { accountId, id }),
            sentMailbox: input.sentMailbox ?? null,
            trustedAuthservIds: authservIdList(input.trustedAuthservIds),
          })
          .returning(inboxColumns);
        await writeHistory(tx, row!.id, 'connected', null, null);
        await recordEvent(tx, accountId, 'inbox.connected', { inboxId: id, address: row!.address, userId: row!.userId, provider: row!.provider });
        return row!;
      });
    },

    async get(id: string): Promise<Inbox | null> {
      const [row] = await db.select(inboxColumns).from(inboxes).where(scope.where(inboxes, eq(inboxes.id, id)));
      return row ?? null;
    },

    /**
     * The only way to read credentials: decrypted with `keys` and checked to belong to this inbox
     * (CredentialsDecryptError otherwise); a v1 value is re-encrypted as v2 on this first read.
     */
    async getWithCredentials<C = Record<string, unknown>>(id: string, keys: EncryptionKeys): Promise<InboxWithCredentials<C> | null> {
      const [row] = await db.select().from(inboxes).where(scope.where(inboxes, eq(inboxes.id, id)));
      if (!row) return null;
      if (row.credentials === null) {
        throw new DbError('inbox_removed', `Inbox ${row.address} was removed; its credentials were deleted.`);
      }
      return { ...row, credentials: await openCredentials<C>(db, { ...row, credentials: row.credentials }, keys) };
    },

    /** Inboxes of the account, oldest first; removed ones only when asked. */
    /** One page, newest first (keyset.ts): of one status, or every inbox but removed ones. */
    async page(q: KeysetQuery & { status?: Inbox['status'] | undefined }): Promise<Positioned<Inbox>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: inboxColumns, at: positionText(inboxes.createdAt) })
        .from(inboxes)
        .where(scope.where(inboxes, q.status ? eq(inboxes.status, q.status) : ne(inboxes.status, 'removed'), afterPosition(inboxes.createdAt, inboxes.id, q.before)))
        .orderBy(...newestFirst(inboxes.createdAt, inboxes.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows);
    },

    async list(options: { includeRemoved?: boolean } = {}): Promise<Inbox[]> {
      const filter = options.includeRemoved ? undefined : ne(inboxes.status, 'removed');
      return db.select(inboxColumns).from(inboxes).where(scope.where(inboxes, filter)).orderBy(inboxes.createdAt);
    },

    /**
     * The worker logged in. Ends a run of transient errors: for a connected inbox its error is kept
     * in the history as `recovered` (sync-health.ts); coming back from `disconnected` the disconnect
     * row already holds it, and a new connected period starts. A removed inbox stays removed.
     */
    async markConnected(id: string): Promise<StatusChange> {
      return db.transaction(async (tx) => {
        const current = await lockInbox(tx, id);
        if (current.status === 'removed') return toChange(current, false);
        const changed = current.status !== 'connected';
        if (!changed) await keepRecoveredRun(tx, current);
        const [row] = await tx
          .update(inboxes)
          .set({
            status: 'connected',
            disconnectReason: null,
            disconnectDetail: null,
            ...NO_ERROR_RUN,
            ...(changed ? { statusSince: sql`now()`, connectedSince: sql`now()` } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(inboxes.id, id))
          .returning();
        if (changed) {
          await writeHistory(tx, id, 'connected', null, null);
          await recordEvent(tx, accountId, 'inbox.reconnected', { inboxId: id, address: row!.address });
        }
        return toChange(row!, changed);
      });
    },

    /**
     * Disconnects with a reason code (packages/mail disconnect-reasons) and the provider's own words.
     * The scheduler drops the job (NOTIFY). Same status and reason again: only the detail is refreshed.
     */
    async markDisconnected(id: string, reason: string, detail: string | null = null): Promise<StatusChange> {
      return db.transaction(async (tx) => {
        const current = await lockInbox(tx, id);
        if (current.status === 'removed') return toChange(current, false);
        const changed = current.status !== 'disconnected' || current.disconnectReason !== reason;
        const [row] = await tx
          .update(inboxes)
          .set({
            status: 'disconnected',
            disconnectReason: reason,
            disconnectDetail: detail,
            ...(changed ? { statusSince: sql`now()` } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(inboxes.id, id))
          .returning();
        if (changed) {
          await writeHistory(tx, id, 'disconnected', reason, detail);
          await recordEvent(tx, accountId, 'inbox.disconnected', { inboxId: id, address: row!.address, code: reason, providerText: detail });
        }
        return toChange(row!, changed);
      });
    },

    /**
     * Stores new credentials (and optionally new server settings), sets the inbox connected, clears
     * the disconnect reason and errors, bumps credentials_version (a running session notices it holds
     * stale credentials) and starts a new connected period (connected_since = now()).
     * The checkpoint (last_uid) is kept on purpose: the worker fetches from last_uid + 1, records the
     * messages that arrived while disconnected (INTERNALDATE < connected_since) as
     * `inbox_disconnected`, and so moves the checkpoint to UIDNEXT without logging them.
     */
    async reconnect(
      id: string,
      newCredentials: object,
      keys: EncryptionKeys,
      settings: Partial<ServerSettings> & { authKind?: AuthKind } = {},
    ): Promise<StatusChange & { credentialsVersion: number }> {
      return db.transaction(async (tx) => {
        const current = await lockInbox(tx, id);
        if (current.status === 'removed') {
          throw new DbError('inbox_removed', `Inbox ${current.address} was removed; connect it again as a new inbox.`);
        }
        const changed = current.status !== 'connected';
        const [row] = await tx
          .update(inboxes)
          .set({
            ...settings,
            ...sealCredentials(newCredentials, keys, current),
            credentialsVersion: sql`${inboxes.credentialsVersion} + 1`,
            status: 'connected',
            disconnectReason: null,
            disconnectDetail: null,
            ...NO_ERROR_RUN,
            connectedSince: sql`now()`,
            ...(changed ? { statusSince: sql`now()` } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(inboxes.id, id))
          .returning();
        if (changed) {
          await writeHistory(tx, id, 'connected', null, null);
          await recordEvent(tx, accountId, 'inbox.reconnected', { inboxId: id, address: row!.address });
        }
        return { ...toChange(row!, changed), credentialsVersion: row!.credentialsVersion };
      });
    },

    /** Stops watching the inbox and deletes its credentials; rows it logged stay on the timeline. */
    async remove(id: string): Promise<StatusChange> {
      return db.transaction(async (tx) => {
        const current = await lockInbox(tx, id);
        const changed = current.status !== 'removed';
        const [row] = await tx
          .update(inboxes)
          .set({
            status: 'removed',
            credentials: null,
            credentialsKeyId: null,
            ...(changed ? { statusSince: sql`now()` } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(inboxes.id, id))
          .returning();
        if (changed) await writeHistory(tx, id, 'removed', null, null);
        return toChange(row!, changed);
      });
    },

    /** See saveCheckpointFor: forward-only for the same UIDVALIDITY. `tx` may be the pool or a transaction. */
    saveCheckpoint(tx: DbOrTx, id: string, checkpoint: Checkpoint): Promise<SavedCheckpoint | null> {
      return saveCheckpointFor(tx, accountId, id, checkpoint);
    },

    /** Caches the Sent mailbox path the worker discovered (null to forget it). */
    async setSentMailbox(id: string, path: string | null): Promise<void> {
      await db.update(inboxes).set({ sentMailbox: path, updatedAt: sql`now()` }).where(scope.where(inboxes, eq(inboxes.id, id)));
    },

    /** Sets the authserv-ids trusted for sender verification; null goes back to the provider's default. */
    async setTrustedAuthservIds(id: string, ids: string[] | null): Promise<Inbox> {
      const [row] = await db
        .update(inboxes)
        .set({ trustedAuthservIds: authservIdList(ids), updatedAt: sql`now()` })
        .where(scope.where(inboxes, eq(inboxes.id, id)))
        .returning(inboxColumns);
      if (!row) throw new DbError('not_found', `No inbox ${id} in this account.`);
      return row;
    },

    /**
     * Marks the inbox as the account's logging mailbox with the folders the fleet reads (or unmarks it:
     * `folders` null). One logging inbox per account: marking one unmarks the others. The running
     * session ends (credentials_version is bumped, which it watches) and the next reads in the new mode.
     */
    async setLogging(id: string, folders: string[] | null): Promise<Inbox> {
      return db.transaction(async (tx) => {
        await lockInbox(tx, id);
        if (folders) {
          await tx
            .update(inboxes)
            .set({ logging: false, credentialsVersion: sql`${inboxes.credentialsVersion} + 1`, updatedAt: sql`now()` })
            .where(scope.where(inboxes, eq(inboxes.logging, true), sql`${inboxes.id} <> ${id}`));
        }
        const [row] = await tx
          .update(inboxes)
          .set({
            logging: folders !== null,
            ...(folders ? { loggingFolders: folders } : {}),
            credentialsVersion: sql`${inboxes.credentialsVersion} + 1`,
            updatedAt: sql`now()`,
          })
          .where(scope.where(inboxes, eq(inboxes.id, id)))
          .returning(inboxColumns);
        return row!;
      });
    },

    /** Moves stored credentials to v2 under the active key (rotation, v1 upgrade); returns true when it re-encrypted. */
    async rotateCredentials(id: string, keys: EncryptionKeys): Promise<boolean> {
      return db.transaction(async (tx) => {
        const current = await lockInbox(tx, id);
        if (current.credentials === null) return false;
        return reencryptCredentials(tx, { ...current, credentials: current.credentials }, keys);
      });
    },

    /** Status changes, newest first. */
    async history(id: string): Promise<InboxStatusHistoryRow[]> {
      return db
        .select()
        .from(inboxStatusHistory)
        .where(scope.where(inboxStatusHistory, eq(inboxStatusHistory.inboxId, id)))
        .orderBy(desc(inboxStatusHistory.at), desc(inboxStatusHistory.id));
    },

    async context(id: string): Promise<InboxContext | null> {
      const [inbox, account] = await Promise.all([this.get(id), accountQueries(db, scope).get()]);
      return inbox ? toInboxContext(inbox, account) : null;
    },
  };
}

