// The activity of tracked sends: GET /v1/activity (the feed: tracked sends newest first, Sent / Opened /
// Clicked with the times of a person's opens and clicks, and the "likely automated" events apart with
// their reason), GET /v1/contacts/{id}/activity (one contact's), and GET /v1/activity/stream (a person's
// opens and clicks live, as Server-Sent Events, through this process's LiveActivityHub).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ActivityEvent, ActivitySend } from '@reply-sync/db';
import { EVENT_CLASSES, EVENT_REASON_SENTENCES, EVENT_REASONS } from '@reply-sync/tracking';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { ApiProblem } from '../problem';
import { DateTime, IdParams, Nullable, NullableDateTime, OneOf, problemResponses } from '../schemas';
import { serveActivityStream } from '../tracker/activity-stream';
import type { LiveActivityHub } from '../tracker/live-activity-hub';

export interface ActivityDeps {
  /** Null: the stream answers 503 (no LISTEN connection in this process). */
  live: LiveActivityHub | null;
  /** Comment lines that keep proxies from closing an idle stream (default 15 s). */
  keepAliveMs?: number | undefined;
}

const Event = Type.Object(
  {
    id: Type.String(),
    kind: OneOf(['open', 'click']),
    at: DateTime,
    recipient: Nullable(Type.String({ description: 'Null: anonymous (several recipients, or no tracking basis under GDPR).' })),
    target: Nullable(Type.String({ description: 'The link (clicks).' })),
    eventClass: OneOf(EVENT_CLASSES),
    reason: OneOf(EVENT_REASONS),
    reasonSentence: Type.String(),
    hits: Type.Integer({ description: 'Repeats of the same request within a minute, folded into this event.' }),
  },
  { $id: 'ActivityEvent' },
);

const Send = Type.Object(
  {
    id: Type.String({ description: 'The outgoing email (POST /v1/emails).' }),
    userId: Nullable(Type.String()),
    emailId: Nullable(Type.String({ description: 'The logged email, when the send was logged.' })),
    subject: Type.String(),
    to: Type.Array(Type.String()),
    sentAt: NullableDateTime,
    state: OneOf(['sent', 'opened', 'clicked'], { description: 'sent until a person opens it, opened, clicked once a person clicks a link. Machine events never change it.' }),
    openCount: Type.Integer(),
    clickCount: Type.Integer(),
    opens: Type.Array(Type.Ref('ActivityEvent'), { description: "A person's opens, newest first (at most 50; openCount has them all)." }),
    clicks: Type.Array(Type.Ref('ActivityEvent'), { description: "A person's clicks, newest first (at most 50)." }),
    automated: Type.Array(Type.Ref('ActivityEvent'), { description: 'Likely automated: privacy prefetches, image proxies repeating, link scanners; each with its reason.' }),
  },
  { $id: 'ActivitySend' },
);

const FeedQuery = Type.Object({ ...PageQuery.properties, userId: Type.Optional(Type.String({ format: 'uuid', description: "Only this user's sends; absent: the account's." })) });
const StreamQuery = Type.Object({ userId: Type.Optional(Type.String({ format: 'uuid', description: "Only this user's sends; absent: the account's." })) });

const eventOut = (e: ActivityEvent) => ({ ...e, reasonSentence: EVENT_REASON_SENTENCES[e.reason] });
const sendOut = (s: ActivitySend & { position: { at: string; id: string } }) => ({ ...s, opens: s.opens.map(eventOut), clicks: s.clicks.map(eventOut), automated: s.automated.map(eventOut) });

export const activityRoutes: FastifyPluginAsyncTypebox<ActivityDeps> = async (app, deps) => {
  app.addSchema(Event);
  app.addSchema(Send);
  const FeedPage = Page(Type.Ref('ActivitySend'));

  app.get(
    '/activity',
    { ...scoped('read'), schema: { tags: ['activity'], summary: 'Tracked sends with their opens and clicks, newest first', description: 'Each tracked send as sent, opened or clicked, with the times of a person\'s opens and clicks; machine events are listed apart as automated, with the reason.', querystring: FeedQuery, response: { 200: FeedPage, ...problemResponses() } } },
    async (request) => {
      const q = keysetQuery(request.query);
      const rows = await authOf(request).scope.activity.feed({ userId: request.query.userId }, q);
      const page = keysetPage(rows, q.pageSize);
      return { data: page.data.map(sendOut), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/contacts/:id/activity',
    { ...scoped('read'), schema: { tags: ['activity'], summary: "A contact's recent activity: the tracked sends to them, with their own opens and clicks", params: IdParams, querystring: PageQuery, response: { 200: FeedPage, ...problemResponses(404) } } },
    async (request) => {
      const scope = authOf(request).scope;
      const contact = await findOr404('contact', request.params.id, (id) => scope.contacts.get(id));
      const q = keysetQuery(request.query);
      const page = keysetPage(await scope.activity.feed({ contact: { id: contact.id, email: contact.email } }, q), q.pageSize);
      return { data: page.data.map(sendOut), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/activity/stream',
    {
      ...scoped('read'),
      schema: {
        tags: ['activity'],
        summary: "A person's opens and clicks, live (Server-Sent Events)",
        description:
          'text/event-stream: each event is `email.opened` or `email.clicked` with the tracking event\'s id as `id` and JSON as `data`; comment lines keep it open. Send `Last-Event-ID` to replay what came after that event. Machine events are not sent. A client that does not keep up is disconnected; reconnect with Last-Event-ID.',
        querystring: StreamQuery,
        response: { 200: { description: 'The stream (text/event-stream).', content: { 'text/event-stream': { schema: Type.String() } } }, ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      const hub = deps.live;
      if (!hub) throw new ApiProblem(503, 'live_updates_not_configured', 'Live updates are not enabled on this server; read GET /v1/activity instead.');
      const served = await serveActivityStream(request, reply, { hub, scope: authOf(request).scope, userId: request.query.userId, keepAliveMs: deps.keepAliveMs });
      if (!served) throw new ApiProblem(429, 'too_many_streams', 'This account has too many activity streams open on this server; close one (each browser tab holds one) and try again.');
    },
  );
};
