// Webhook subscriptions (packages/webhooks, as the CLI's `webhook` commands): add one (URL checked, the
// signing secret shown this once), list, show, remove, enable a disabled one again, and its delivery
// attempts, newest first, paged in SQL. A subscription's URL can carry the receiver's own token, so
// reading subscriptions takes a read key; the attempts (statuses and error codes, no URL, no secret) are
// support's too.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EncryptionKeys, Scoped } from '@reply-sync/db';
import { addWebhook, enableWebhook, getWebhook, listWebhookAttempts, removeWebhook, WEBHOOK_EVENT_SENTENCES, WEBHOOK_EVENT_TYPES } from '@reply-sync/webhooks';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { DateTime, IdParams, Nullable, NullableDateTime, OneOf, problemResponses } from '../schemas';

export interface WebhookRouteDeps {
  encryptionKeys: () => EncryptionKeys;
  /** WEBHOOKS_ALLOW_PRIVATE: URLs to loopback and private addresses accepted (tests, a receiver on the same network). */
  allowPrivateWebhooks: boolean;
}

const EventType = OneOf(WEBHOOK_EVENT_TYPES, { description: WEBHOOK_EVENT_TYPES.map((t) => `\`${t}\`: ${WEBHOOK_EVENT_SENTENCES[t]}`).join(' ') });

const Webhook = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    eventTypes: Type.Array(EventType),
    enabled: Type.Boolean(),
    disabledAt: NullableDateTime,
    disabledReason: Nullable(Type.String({ description: 'Why it was disabled (failing for 3 days); enable it again once the receiver is fixed.' })),
    failingSince: Type.Unsafe<Date | string | null>({ type: ['string', 'null'], format: 'date-time', description: 'Start of the current run of failed deliveries; null while deliveries succeed.' }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Webhook' },
);

const AddedWebhook = Type.Object(
  {
    ...Webhook.properties,
    secret: Type.String({ description: 'The signing secret (`whsec_…`, Standard Webhooks): receivers verify `webhook-signature` with it. Shown in this answer only; it cannot be read again.' }),
  },
  { $id: 'AddedWebhook' },
);

const Attempt = Type.Object(
  {
    id: Type.String(),
    webhookId: Type.String(),
    eventId: Type.String({ description: 'The `webhook-id` the receiver got (`evt_…`), the same on every attempt.' }),
    eventType: EventType,
    attempt: Type.Integer({ description: 'The attempt number for this event and webhook, from 1.' }),
    status: OneOf(['succeeded', 'failed']),
    responseStatus: Nullable(Type.Integer({ description: "The receiver's HTTP status; null when none came (timeout, connection failed)." })),
    errorCode: Nullable(Type.String()),
    error: Nullable(Type.String({ description: 'What went wrong, as a sentence.' })),
    durationMs: Type.Integer(),
    nextAttemptAt: NullableDateTime,
    at: DateTime,
  },
  { $id: 'WebhookAttempt' },
);

const AddBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'Where to POST: an http(s) URL. Loopback and private addresses are refused unless the operator set WEBHOOKS_ALLOW_PRIVATE=true.' }),
    events: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...WEBHOOK_EVENT_TYPES, 'all'] }), { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length + 1, description: 'Event types to receive, or `all`.' }),
  },
  { additionalProperties: false },
);

const findWebhook = (s: Scoped, id: string) => findOr404('webhook', id, (i) => getWebhook(s, i));

export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRouteDeps> = async (app, deps) => {
  for (const schema of [Webhook, AddedWebhook, Attempt]) app.addSchema(schema);
  const tags = ['webhooks'];

  app.post('/webhooks', { ...scoped('write'), schema: { tags, summary: 'Subscribe a URL to event types (the signing secret is in this answer only)', body: AddBody, response: { 201: Type.Ref('AddedWebhook'), ...problemResponses(422) } } }, async (request, reply) => {
    const added = await addWebhook(authOf(request).scope, deps.encryptionKeys(), request.body, { allowPrivate: deps.allowPrivateWebhooks });
    return reply.code(201).send({ ...added.endpoint, secret: added.secret });
  });

  app.get('/webhooks', { ...scoped('read'), schema: { tags, summary: 'Webhook subscriptions, newest first, with why one was disabled', querystring: PageQuery, response: { 200: Page(Type.Ref('Webhook')), ...problemResponses() } } }, async (request) => {
    const q = keysetQuery(request.query);
    return keysetPage(await authOf(request).scope.webhooks.page(q), q.pageSize);
  });

  app.get('/webhooks/:id', { ...scoped('read'), schema: { tags, summary: 'One webhook subscription', params: IdParams, response: { 200: Type.Ref('Webhook'), ...problemResponses(404) } } }, async (request) =>
    findWebhook(authOf(request).scope, request.params.id),
  );

  app.delete('/webhooks/:id', { ...scoped('write'), schema: { tags, summary: 'Remove a subscription with its delivery history', params: IdParams, response: { 200: Type.Ref('Webhook'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    const webhook = await findWebhook(scope, request.params.id);
    await removeWebhook(scope, webhook.id);
    return webhook;
  });

  app.post('/webhooks/:id/enable', { ...scoped('write'), schema: { tags, summary: 'Enable a disabled subscription again (events from now on are delivered)', params: IdParams, response: { 200: Type.Ref('Webhook'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    return enableWebhook(scope, (await findWebhook(scope, request.params.id)).id);
  });

  app.get(
    '/webhooks/:id/attempts',
    {
      ...scoped('support'),
      schema: {
        tags,
        summary: "A subscription's delivery attempts, newest first",
        params: IdParams,
        querystring: Type.Object({ ...PageQuery.properties, eventId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only this event (`evt_…`).' })) }),
        response: { 200: Page(Type.Ref('WebhookAttempt')), ...problemResponses(404) },
      },
    },
    async (request) => {
      const { scope } = authOf(request);
      const webhook = await findWebhook(scope, request.params.id);
      const { before, limit, pageSize } = keysetQuery(request.query);
      const rows = await listWebhookAttempts(scope, { endpointId: webhook.id, ...(request.query.eventId ? { eventId: request.query.eventId } : {}), ...(before ? { before } : {}), limit });
      const page = keysetPage(rows, pageSize);
      return { ...page, data: page.data.map((a) => ({ ...a, webhookId: a.endpointId })) };
    },
  );
};
