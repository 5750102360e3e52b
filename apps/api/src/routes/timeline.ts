// The timeline of a contact, company or deal: its emails grouped by thread, threads newest first (by their
// latest email) and paged in SQL by thread, each thread's emails newest first. Subjects, addresses and attachment names, no bodies:
// GET /v1/emails/{id} has the body.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { timelinePage, timelineTargetOf, type Timeline } from '@reply-sync/operations';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { DateTime, IdParams, Nullable, NullableDateTime, OneOf, problemResponses } from '../schemas';

const Item = Type.Object({
  id: Type.String(),
  direction: OneOf(['inbound', 'outbound']),
  source: Type.String({ description: 'reply_sync, crm_send, log, bcc or forward.' }),
  at: DateTime,
  from: Type.Object({ address: Type.String(), name: Nullable(Type.String()) }),
  to: Type.Array(Type.String()),
  subject: Type.String(),
  messageId: Type.String(),
  attachments: Type.Array(Type.Object({ filename: Nullable(Type.String()), contentType: Type.String(), size: Type.Integer() })),
  attachmentsSkippedReason: Nullable(Type.String()),
  senderVerification: Nullable(Type.Object({ verified: Type.Boolean(), dmarc: Nullable(Type.String()), dkim: Nullable(Type.String()), dkimAligned: Nullable(Type.Boolean()), spf: Nullable(Type.String()), detail: Nullable(Type.String()) })),
  tracking: Nullable(
    Type.Object(
      { opens: Type.Integer(), lastOpenedAt: NullableDateTime, clicks: Type.Integer(), lastClickedAt: NullableDateTime },
      { description: "Of a tracked send: a person's opens and clicks (likely automated ones are not counted; GET /v1/activity lists them); null when the email was not tracked." },
    ),
  ),
});

const Thread = Type.Object({ threadId: Type.String(), latestAt: DateTime, emails: Type.Array(Item) }, { $id: 'TimelineThread' });

const TimelinePage = Type.Object({
  target: Type.Object({ kind: OneOf(['contact', 'company', 'deal']), id: Type.String(), label: Type.String() }),
  ...Page(Type.Ref('TimelineThread')).properties,
});

export const timelineRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Thread);
  // The row read here (404 for a missing or another account's id) is the target: timelinePage does not read it again.
  const targets: { path: string; what: 'contact' | 'company' | 'deal'; target: (id: string, request: Parameters<typeof authOf>[0]) => Promise<Timeline['target']> }[] = [
    { path: 'contacts', what: 'contact', target: async (id, request) => timelineTargetOf.contact(await findOr404('contact', id, (i) => authOf(request).scope.contacts.get(i))) },
    { path: 'companies', what: 'company', target: async (id, request) => timelineTargetOf.company(await findOr404('company', id, (i) => authOf(request).scope.companies.get(i))) },
    { path: 'deals', what: 'deal', target: async (id, request) => timelineTargetOf.deal(await findOr404('deal', id, (i) => authOf(request).scope.deals.get(i))) },
  ];
  for (const t of targets) {
    app.get(
      `/${t.path}/:id/timeline`,
      { ...scoped('read'), schema: { tags: ['timeline'], summary: `The timeline of a ${t.what}, by thread, newest first`, params: IdParams, querystring: PageQuery, response: { 200: TimelinePage, ...problemResponses(404) } } },
      async (request) => {
        const q = keysetQuery(request.query);
        const timeline = await timelinePage(authOf(request).scope, await t.target(request.params.id, request), q);
        return { target: timeline.target, ...keysetPage(timeline.threads, q.pageSize) };
      },
    );
  }
};
