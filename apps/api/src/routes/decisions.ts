// Why a message was or was not logged: an inbox's decisions (filterable by reason, newest first, paged in
// SQL) and `explain`, every decision recorded for one Message-ID. Headers only, never a body: support keys
// may call both.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { decisionSentence, explain } from '@reply-sync/operations';
import { REASON_SENTENCES } from '@reply-sync/threading';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { DateTime, IdParams, Nullable, OneOf, problemResponses } from '../schemas';
import { findInbox } from './inboxes';

const ReasonCode = Type.Unsafe<string>({ type: 'string', enum: Object.keys(REASON_SENTENCES), description: 'A reason code (each with its sentence in packages/threading).' });

const Decision = Type.Object(
  {
    id: Type.String(),
    inboxId: Type.String(),
    mailbox: Type.String(),
    uidvalidity: Type.Integer(),
    uid: Type.Integer(),
    messageId: Nullable(Type.String()),
    decision: OneOf(['logged', 'skipped']),
    reasonCode: Type.String(),
    sentence: Type.String(),
    detail: Nullable(Type.String()),
    from: Nullable(Type.String()),
    subject: Nullable(Type.String()),
    at: DateTime,
  },
  { $id: 'Decision' },
);

const Verification = Nullable(
  Type.Object({ verified: Type.Boolean(), dmarc: Nullable(Type.String()), dkim: Nullable(Type.String()), dkimAligned: Nullable(Type.Boolean()), spf: Nullable(Type.String()), detail: Nullable(Type.String()) }),
);

const Explanation = Type.Object({
  messageId: Type.String(),
  loggedEmail: Nullable(
    Type.Object({ id: Type.String(), direction: OneOf(['inbound', 'outbound']), source: Type.String(), subject: Type.String(), at: DateTime, senderVerification: Verification }),
  ),
  decisions: Type.Array(
    Type.Object({
      at: DateTime,
      inbox: Type.Object({ id: Type.String(), address: Type.String() }),
      mailbox: Type.String({ description: 'The folder the message was in when decided, e.g. INBOX or Archive/2026.' }),
      uidvalidity: Type.Integer(),
      uid: Type.Integer(),
      decision: Type.String(),
      reasonCode: Type.String(),
      sentence: Type.String(),
      detail: Nullable(Type.String()),
      from: Nullable(Type.String()),
      subject: Nullable(Type.String()),
    }),
  ),
  inbound: Type.Array(
    Type.Object({
      at: DateTime,
      via: Type.String({ description: 'bcc: received at the account\'s BCC address' }),
      decision: Type.String(),
      reasonCode: Type.String(),
      sentence: Type.String(),
      detail: Nullable(Type.String()),
      from: Nullable(Type.String()),
      subject: Nullable(Type.String()),
      emailId: Nullable(Type.String()),
    }),
  ),
});

export const decisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Decision);
  const tags = ['decisions'];

  app.get(
    '/inboxes/:id/decisions',
    {
      ...scoped('support'),
      schema: { tags, summary: "An inbox's decisions, newest first", params: IdParams, querystring: Type.Object({ ...PageQuery.properties, reason: Type.Optional(ReasonCode) }), response: { 200: Page(Type.Ref('Decision')), ...problemResponses(404) } },
    },
    async (request) => {
      const { scope } = authOf(request);
      const inbox = await findInbox(scope, request.params.id);
      const q = keysetQuery(request.query);
      const page = keysetPage(await scope.decisions.pageForInbox(inbox.id, { reasonCode: request.query.reason, ...q }), q.pageSize);
      return { ...page, data: page.data.map((d) => ({ ...d, sentence: decisionSentence(d.reasonCode), from: d.fromAddress, at: d.createdAt })) };
    },
  );

  app.get(
    '/explain',
    {
      ...scoped('support'),
      schema: {
        tags,
        summary: 'Every decision recorded for a Message-ID, with its sentence',
        querystring: Type.Object({ messageId: Type.String({ minLength: 1, maxLength: 998, description: 'As in the header, e.g. <abc123@mail.example.com>.' }) }),
        response: { 200: Explanation, ...problemResponses() },
      },
    },
    async (request) => explain(authOf(request).scope, request.query.messageId),
  );
};
