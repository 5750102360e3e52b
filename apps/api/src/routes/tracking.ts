// The tracking law of the account (issue 15): its settings (GDPR, clicks by paid seat) and
// explain/tracking: planTracking's decision per recipient. (A contact's tracking basis is PATCH
// /v1/contacts/{id} in crm.ts, a user's paid seat PATCH /v1/users/{id} in users.ts.)
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '@reply-sync/db';
import { explainTracking, EXPLAIN_TRACKING_MAX_RECIPIENTS, getTrackingSettings, setTrackingSettings } from '@reply-sync/operations';
import { TRACKING_PLAN_REASONS } from '@reply-sync/tracking';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { Nullable, OneOf, problemResponses } from '../schemas';

const Settings = Type.Object(
  {
    gdpr: Type.Boolean({ description: 'GDPR rules apply: opens and clicks are attributed only to contacts with a tracking basis; the rest are counted anonymously.' }),
    clickTrackingSeatsOnly: Type.Boolean({ description: 'Links are rewritten only in sends of users with a paid seat; the others get open tracking only.' }),
  },
  { $id: 'TrackingSettings' },
);
const Mode = OneOf(['personal', 'anonymous', 'none'] as const);
const Reason = OneOf(TRACKING_PLAN_REASONS);
const Explanation = Type.Object({
  settings: Type.Ref('TrackingSettings'),
  notConfigured: Nullable(
    Type.Object({ code: OneOf(['tracking_not_configured'] as const), sentence: Type.String() }, { description: 'This server has no tracking keys: sends go untracked whatever the plan below says.' }),
  ),
  sender: Type.Object({ userId: Nullable(Type.String()), paidSeat: Type.Boolean() }),
  pixel: Mode,
  clicks: Type.Boolean({ description: 'Whether links would be rewritten.' }),
  reasons: Type.Array(Type.Object({ code: Reason, sentence: Type.String() }), { description: 'Why the message is tracked as it is, the deciding reason first.' }),
  recipients: Type.Array(
    Type.Object({ address: Type.String(), isContact: Type.Boolean(), trackingBasis: Nullable(Type.String()), tracking: Mode, reasonCode: Reason, sentence: Type.String() }),
  ),
});
const Addresses = Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { maxItems: EXPLAIN_TRACKING_MAX_RECIPIENTS });

export interface TrackingRouteOptions {
  db: Db;
  /** Whether this server has tracking keys (explain's notConfigured says so otherwise). */
  trackingConfigured: boolean;
}

export const trackingRoutes: FastifyPluginAsyncTypebox<TrackingRouteOptions> = async (app, options) => {
  app.addSchema(Settings);
  const tags = ['tracking'];
  app.get('/settings/tracking', { ...scoped('read'), schema: { tags, summary: "The account's tracking settings", response: { 200: Type.Ref('TrackingSettings'), ...problemResponses() } } }, async (request) =>
    getTrackingSettings(authOf(request).scope),
  );
  app.patch(
    '/settings/tracking',
    {
      ...scoped('write'),
      schema: {
        tags,
        summary: 'Change the tracking settings (only the fields given)',
        body: Type.Object({ gdpr: Type.Optional(Type.Boolean()), clickTrackingSeatsOnly: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Ref('TrackingSettings'), ...problemResponses() },
      },
    },
    async (request) => setTrackingSettings(authOf(request).scope, request.body),
  );
  app.post(
    '/explain/tracking',
    {
      ...scoped('support'),
      schema: {
        tags: ['explain'],
        summary: 'How a tracked send from this user or inbox to these recipients would be tracked, and why (nothing is sent)',
        body: Type.Object(
          { userId: Type.Optional(Type.String()), inboxId: Type.Optional(Type.String()), to: Addresses, cc: Type.Optional(Addresses) },
          { additionalProperties: false },
        ),
        response: { 200: Explanation, ...problemResponses(404) },
      },
    },
    async (request) => explainTracking(options.db, authOf(request).scope, { ...request.body, configured: options.trackingConfigured }),
  );
};
