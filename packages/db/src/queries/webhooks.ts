// An account's webhook subscriptions and what was delivered to them: the CRUD the CLI and the API
// call (through packages/webhooks, which checks the URL first), and the attempts list.
import { randomUUID } from 'node:crypto';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { encryptCredentials, type EncryptionKeys } from '../crypto/index';
import { DbError } from '../errors';
import { afterPosition, isKeysetPosition, keysetLimit, newestFirst, positioned, positionText, type KeysetPosition, type KeysetQuery, type Positioned } from './keyset';
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookAttemptRow, type WebhookEndpointRow, type WebhookEventType } from '../schema';

/** An endpoint as apps see it: everything but the encrypted secret. */
export type WebhookEndpoint = Omit<WebhookEndpointRow, 'secret'>;

export interface CreateWebhookEndpointInput {
  url: string;
  eventTypes: WebhookEventType[];
  /** The signing secret (`whsec_…`), stored encrypted and bound to the new row. */
  secret: string;
}

export interface WebhookAttemptsQuery {
  endpointId?: string;
  eventId?: string;
  /** Newest first; at most 201 (default 50): a pager asks for one more than its page. */
  limit?: number;
  /** Only attempts after this one in the order (newest first): the `position` of the last one read. */
  before?: WebhookAttemptPosition;
}

export type WebhookAttemptPosition = KeysetPosition;

export type WebhookAttempt = WebhookAttemptRow & { eventType: WebhookEventType; position: WebhookAttemptPosition };

const { secret: _secret, ...endpointColumns } = getTableColumns(webhookEndpoints);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function webhookQueries(db: Db, scope: AccountScope) {
  const { accountId } = scope;
  const notFound = (id: string) => new DbError('not_found', `No webhook endpoint ${id} in this account.`, { step: 'list_webhooks' });
  /** A malformed id is simply not found (never a database error about uuid syntax). */
  const byId = (id: string) => {
    if (!UUID.test(id)) throw notFound(id);
    return scope.where(webhookEndpoints, eq(webhookEndpoints.id, id));
  };

  return {
    async create(input: CreateWebhookEndpointInput, keys: EncryptionKeys): Promise<WebhookEndpoint> {
      // The id is made here: the secret is encrypted for this very row (as inbox credentials are).
      const id = randomUUID();
      const secret = encryptCredentials(input.secret, keys, { accountId, inboxId: id, field: 'webhook_secret' });
      const [row] = await db
        .insert(webhookEndpoints)
        .values({ id, accountId, url: input.url, eventTypes: [...new Set(input.eventTypes)], secret })
        .returning(endpointColumns);
      return row!;
    },

    async get(id: string): Promise<WebhookEndpoint | null> {
      if (!UUID.test(id)) return null;
      const [row] = await db.select(endpointColumns).from(webhookEndpoints).where(byId(id));
      return row ?? null;
    },

    /** One page, newest first (keyset.ts). */
    async page(q: KeysetQuery): Promise<Positioned<WebhookEndpoint>[]> {
      if (q.before && !isKeysetPosition(q.before)) return [];
      const rows = await db
        .select({ row: endpointColumns, at: positionText(webhookEndpoints.createdAt) })
        .from(webhookEndpoints)
        .where(scope.where(webhookEndpoints, afterPosition(webhookEndpoints.createdAt, webhookEndpoints.id, q.before)))
        .orderBy(...newestFirst(webhookEndpoints.createdAt, webhookEndpoints.id))
        .limit(keysetLimit(q.limit));
      return positioned(rows);
    },

    async list(): Promise<WebhookEndpoint[]> {
      return db.select(endpointColumns).from(webhookEndpoints).where(scope.where(webhookEndpoints)).orderBy(webhookEndpoints.createdAt);
    },

    /** Deletes the endpoint with its deliveries and attempts; queued jobs for it then deliver nothing. */
    async remove(id: string): Promise<void> {
      const deleted = await db.delete(webhookEndpoints).where(byId(id)).returning({ id: webhookEndpoints.id });
      if (deleted.length === 0) throw notFound(id);
    },

    /** Enables a disabled endpoint again (after its owner fixed it); events from now on go to it. */
    async enable(id: string): Promise<WebhookEndpoint> {
      const [row] = await db
        .update(webhookEndpoints)
        .set({ enabled: true, disabledAt: null, disabledReason: null, failingSince: null, updatedAt: sql`now()` })
        .where(byId(id))
        .returning(endpointColumns);
      if (!row) throw notFound(id);
      return row;
    },

    /** Every POST made for this account's events, newest first, with the event's type. */
    async attempts(query: WebhookAttemptsQuery = {}): Promise<WebhookAttempt[]> {
      const limit = keysetLimit(query.limit ?? 50);
      if (query.endpointId !== undefined && !UUID.test(query.endpointId)) return [];
      const { before } = query;
      if (before && !isKeysetPosition(before)) return [];
      const rows = await db
        .select({ ...getTableColumns(webhookAttempts), eventType: webhookEvents.type, atText: positionText(webhookAttempts.at) })
        .from(webhookAttempts)
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookAttempts.eventId))
        .where(
          scope.where(
            webhookAttempts,
            query.endpointId ? eq(webhookAttempts.endpointId, query.endpointId) : undefined,
            query.eventId ? eq(webhookAttempts.eventId, query.eventId) : undefined,
            afterPosition(webhookAttempts.at, webhookAttempts.id, before),
          ),
        )
        .orderBy(...newestFirst(webhookAttempts.at, webhookAttempts.id))
        .limit(limit);
      return rows.map(({ atText, ...row }) => ({ ...row, position: { at: atText, id: row.id } }));
    },

    /** Deliveries of one event (one per endpoint subscribed when it was relayed). */
    async deliveries(eventId: string) {
      return db.select().from(webhookDeliveries).where(scope.where(webhookDeliveries, eq(webhookDeliveries.eventId, eventId)));
    },
  };
}
