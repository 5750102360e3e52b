// Why a message was or was not logged: an inbox's decisions (filterable by reason, newest first, paged in
// SQL), `explain`, every decision recorded for one Message-ID, and `explain/look`, which searches the
// account's inboxes' folders for it (read-only IMAP, inside the fleet's login budget, within a deadline) and
// records the decisions it makes, as the CLI's `explain --look` does. Headers only, never a body: support
// keys may call all three.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EncryptionKeys } from '@reply-sync/db';
import { decisionSentence, explain } from '@reply-sync/operations';
import { lookForMessage, type LookLoginBudget } from '@reply-sync/operations/look-for-message';
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

const InboxRef = Type.Object({ id: Type.String(), address: Type.String() });

/** The look's deadline: the answer comes by then, with what was found so far. */
export const LOOK_DEADLINE_SECONDS = { default: 20, max: 60 } as const;

const Look = Type.Object({
  messageId: Type.String(),
  inboxesSearched: Type.Array(InboxRef, { description: 'The inboxes whose folders were searched (or tried: see problems).' }),
  found: Type.Array(
    Type.Object({
      inbox: InboxRef,
      mailbox: Type.String({ description: 'The folder it is in, e.g. Archive/2026 or Junk.' }),
      specialUse: Nullable(Type.String({ description: 'The folder\'s special use, e.g. \\Junk.' })),
      uidvalidity: Type.Integer(),
      uid: Type.Integer(),
      reasonCode: Type.String(),
      sentence: Type.String(),
      detail: Nullable(Type.String()),
      outcome: OneOf(['recorded', 'already_recorded', 'left_to_worker', 'not_recorded'], {
        description: 'recorded: a decision was written now; already_recorded: it had one; left_to_worker: in the INBOX past the sync checkpoint, the worker decides it; not_recorded: it would be logged, which only the worker does.',
      }),
    }),
  ),
  problems: Type.Array(Type.Object({ inbox: InboxRef, problem: Type.String() }), { description: 'Inboxes that could not be searched, each with why.' }),
  notSearched: Type.Array(InboxRef, { description: 'Inboxes the deadline left unsearched (nothing recorded for them): call again, or with inboxId, to search them.' }),
  deadlineReached: Type.Boolean(),
  loginBudget: Type.Object({ applied: Type.Boolean({ description: "Whether each connection took a slot of the fleet's login budget." }), note: Type.Optional(Type.String()) }),
});

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
      via: Type.String({ description: "bcc: received at the account's BCC address (or Bcc'd to its logging mailbox); fwd: forwarded to its forwarding address (or sent to the logging mailbox)" }),
      folder: Nullable(Type.String({ description: "The logging mailbox's folder it was read from; null when it came by SMTP." })),
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

export interface DecisionRouteDeps {
  encryptionKeys: () => EncryptionKeys;
  tlsCa?: string | undefined;
  /** The fleet's login budget for the look; absent: searched without it, and the answer says so. */
  lookBudget?: LookLoginBudget | undefined;
}

export const decisionRoutes: FastifyPluginAsyncTypebox<DecisionRouteDeps> = async (app, deps) => {
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

  app.post(
    '/explain/look',
    {
      // Read-only on the mail servers (BODY.PEEK of headers), and it records decisions: open to support keys.
      ...scoped('support'),
      schema: {
        tags,
        summary: "Search the inboxes' folders for a Message-ID, record the decisions, then explain it",
        description:
          "For a reply the worker never examines (filed in a subfolder or Junk by a server-side filter; the worker reads only the INBOX): each connected inbox of the account (or only `inboxId`) is searched over one short IMAP connection inside the fleet's login budget, every copy found is decided as the worker would and its decision recorded (e.g. `not_in_inbox` with the folder). By `deadlineSeconds` it answers with what it found so far; `look.notSearched` names the inboxes it did not finish.",
        body: Type.Object({
          messageId: Type.String({ minLength: 1, maxLength: 998, description: 'As in the header, e.g. <abc123@mail.example.com>.' }),
          inboxId: Type.Optional(Type.String({ description: 'Search only this inbox (another account\'s answers 404, as a missing one does).' })),
          deadlineSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: LOOK_DEADLINE_SECONDS.max, default: LOOK_DEADLINE_SECONDS.default, description: 'Answer by then with what was found so far.' })),
        }),
        response: { 200: Type.Object({ ...Explanation.properties, look: Look }), ...problemResponses(404) },
      },
    },
    async (request) => {
      const { scope } = authOf(request);
      const { messageId, deadlineSeconds = LOOK_DEADLINE_SECONDS.default } = request.body;
      const inboxId = request.body.inboxId === undefined ? undefined : (await findInbox(scope, request.body.inboxId)).id;
      const look = await lookForMessage(scope, messageId, { inboxId, signal: AbortSignal.timeout(deadlineSeconds * 1000) }, () => ({
        keys: deps.encryptionKeys(),
        tlsCa: deps.tlsCa,
        budget: deps.lookBudget,
        budgetNote: deps.lookBudget ? undefined : 'this API runs without Redis',
      }));
      return { ...(await explain(scope, messageId)), look: { ...look, found: look.found.map((f) => ({ ...f, sentence: decisionSentence(f.reasonCode) })) } };
    },
  );
};
