// Inboxes: list and show with status, reason sentence, provider text, history and last synced (support);
// connect an IMAP/SMTP inbox (login checked before saving, POP3 refused), reconnect, remove (write).
import { connectInbox, pageInboxes, reconnectInbox, removeInbox, showInbox, type ConnectedInbox } from '@reply-sync/operations';
import { parseLoggingFolders, setLoggingInbox } from '@reply-sync/operations/logging-inbox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Scoped } from '@reply-sync/db';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { DateTime, IdParams, Nullable, NullableDateTime, OneOf, problemResponses } from '../schemas';
import type { RouteDeps } from './index';

const TlsMode = OneOf(['tls', 'starttls', 'none']);
const InboxStatus = OneOf(['connected', 'disconnected', 'removed']);

const Recovery = Type.Object({ recoveredAt: DateTime, error: Nullable(Type.String()), firstErrorAt: NullableDateTime, lastErrorAt: NullableDateTime });

const InboxSummary = Type.Object(
  {
    id: Type.String(),
    address: Type.String(),
    aliases: Type.Array(Type.String()),
    kind: OneOf(['personal', 'team']),
    provider: OneOf(['imap', 'gmail', 'office365']),
    ownerEmail: Nullable(Type.String()),
    status: InboxStatus,
    reason: Nullable(Type.String({ description: 'Disconnect reason code; null while connected.' })),
    reasonSentence: Nullable(Type.String({ description: 'What the reason means and what to do, for support.' })),
    reasonDetail: Nullable(Type.String({ description: "The provider's or server's own words." })),
    statusSince: DateTime,
    lastSyncedAt: Type.Unsafe<Date | null>({ type: ['string', 'null'], format: 'date-time', description: 'When a worker last had the INBOX read up to date; null: never. Refreshed at least every 15 minutes while idle.' }),
    lastError: Nullable(Type.String({ description: 'The current run of network errors (null when none).' })),
    lastErrorAt: NullableDateTime,
    firstErrorAt: NullableDateTime,
    lastRecovery: Nullable(Recovery),
    imap: Type.Object({ host: Type.String(), port: Type.Integer(), tls: TlsMode, username: Type.String() }),
    allowPlaintext: Type.Boolean(),
    trustedAuthservIds: Type.Array(Type.String()),
    trustedAuthservIdsFrom: OneOf(['inbox', 'provider']),
  },
  { $id: 'InboxSummary' },
);

const HistoryEntry = Type.Object({
  at: DateTime,
  status: InboxStatus,
  reason: Nullable(Type.String()),
  reasonSentence: Nullable(Type.String()),
  detail: Nullable(Type.String({ description: "The provider's words for a disconnect; for `recovered`, the run's last error." })),
  firstErrorAt: NullableDateTime,
  lastErrorAt: NullableDateTime,
});

const InboxDetail = Type.Object(
  {
    ...InboxSummary.properties,
    smtp: Nullable(Type.Object({ host: Type.String(), port: Nullable(Type.Integer()), tls: Nullable(TlsMode) })),
    authKind: OneOf(['password', 'oauth2']),
    logging: Type.Boolean({ description: "The account's catch-all logging mailbox (PUT /inboxes/{id}/logging): its folders are read for logging, its replies are not synced." }),
    loggingFolders: Type.Array(Type.String(), { description: 'The folders read while `logging` (INBOX by default); empty when not.' }),
    history: Type.Array(HistoryEntry, { description: 'Status changes and recoveries, newest first.' }),
  },
  { $id: 'InboxDetail' },
);

const Connected = Type.Object({
  inbox: Type.Ref('InboxDetail'),
  capabilities: Type.Array(Type.String()),
  hasIdle: Type.Boolean(),
  sentMailbox: Nullable(Type.String()),
});

const Server = Type.Object({ host: Type.String({ minLength: 1, maxLength: 255 }), port: Type.Integer({ minimum: 1, maximum: 65535 }), tls: TlsMode });
const Password = Type.String({ minLength: 1, maxLength: 4096, description: 'Used to log in before anything is saved, then stored encrypted; never logged.' });

const ConnectBody = Type.Object(
  {
    userEmail: Type.Optional(Type.String({ description: "Owner of a personal inbox (a user of the account); omit with team: true." })),
    team: Type.Optional(Type.Boolean()),
    address: Type.String({ minLength: 3, maxLength: 320 }),
    aliases: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 50 })),
    imap: Server,
    smtp: Type.Optional(Server),
    allowPlaintext: Type.Optional(Type.Boolean({ description: 'TLS mode none to a server that is not on loopback (recorded on the inbox).' })),
    username: Type.String({ minLength: 1, maxLength: 320 }),
    password: Password,
    trustedAuthservIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

const ReconnectBody = Type.Object(
  { password: Password, username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })), imap: Type.Optional(Type.Partial(Server)) },
  { additionalProperties: false },
);

const connectedOut = async (c: ConnectedInbox, show: (id: string) => ReturnType<typeof showInbox>) => ({
  inbox: await show(c.inbox.id),
  capabilities: c.capabilities,
  hasIdle: c.hasIdle,
  sentMailbox: c.sentMailbox,
});

/** The inbox or the API's 404 (the operations' own sentence names the CLI's `inbox list`). */
export const findInbox = (scope: Scoped, id: string) => findOr404('inbox', id, (i) => scope.inboxes.get(i));

export const inboxRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.addSchema(InboxSummary);
  app.addSchema(InboxDetail);
  const mailDeps = () => ({ keys: deps.encryptionKeys(), tlsCa: deps.tlsCa });
  const tags = ['inboxes'];

  app.get(
    '/inboxes',
    {
      ...scoped('support'),
      schema: {
        tags,
        summary: "The account's inboxes with their status, newest first (removed ones only with status=removed)",
        querystring: Type.Object({ ...PageQuery.properties, status: Type.Optional(InboxStatus) }),
        response: { 200: Page(Type.Ref('InboxSummary')), ...problemResponses() },
      },
    },
    async (request) => {
      const { status, ...page } = request.query;
      const q = keysetQuery(page);
      return keysetPage(await pageInboxes(authOf(request).scope, { ...q, status }), q.pageSize);
    },
  );

  app.get(
    '/inboxes/:id',
    { ...scoped('support'), schema: { tags, summary: 'One inbox: status, reason, provider text, last synced, history', params: IdParams, response: { 200: Type.Ref('InboxDetail'), ...problemResponses(404) } } },
    async (request) => {
      const { scope } = authOf(request);
      return showInbox(scope, (await findInbox(scope, request.params.id)).id);
    },
  );

  app.post(
    '/inboxes',
    {
      ...scoped('write'),
      schema: {
        tags,
        summary: 'Connect an IMAP/SMTP inbox (logs in first; POP3 refused)',
        description: 'Logs in to the IMAP server with the password before saving anything; a failed login answers its reason code and sentence and saves nothing. POP3 settings are refused with the IMAP settings to use instead.',
        body: ConnectBody,
        response: { 201: Connected, ...problemResponses(404, 409, 422, 502) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { scope } = authOf(request);
      const connected = await connectInbox(
        scope,
        {
          userEmail: b.userEmail,
          team: b.team,
          address: b.address,
          aliases: b.aliases,
          imap: { ...b.imap, allowPlaintext: b.allowPlaintext === true },
          smtp: b.smtp,
          username: b.username,
          password: b.password,
          trustedAuthservIds: b.trustedAuthservIds,
        },
        mailDeps(),
      );
      return reply.code(201).send(await connectedOut(connected, (id) => showInbox(scope, id)));
    },
  );

  app.post(
    '/inboxes/:id/reconnect',
    {
      ...scoped('write'),
      schema: { tags, summary: 'Reconnect a password inbox with a new password (logs in first)', params: IdParams, body: ReconnectBody, response: { 200: Connected, ...problemResponses(404, 422, 502) } },
    },
    async (request) => {
      const { scope } = authOf(request);
      const b = request.body;
      const connected = await reconnectInbox(scope, { inboxId: (await findInbox(scope, request.params.id)).id, password: b.password, username: b.username, imap: b.imap }, mailDeps());
      return connectedOut(connected, (id) => showInbox(scope, id));
    },
  );

  app.put(
    '/inboxes/:id/logging',
    {
      ...scoped('write'),
      schema: {
        tags,
        summary: "Mark (folders) or unmark (null) the inbox as the account's catch-all logging mailbox",
        description:
          'The worker reads every listed folder (new mail only) and logs each message as if sent to the BCC address (its To/Cc do not name the inbox) or the forwarding address (they do); one logging inbox per account, so marking one unmarks the others.',
        params: IdParams,
        body: Type.Object(
          { folders: Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 20 }), Type.Null()]) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ id: Type.String(), address: Type.String(), logging: Type.Boolean(), folders: Type.Array(Type.String()) }),
          ...problemResponses(404),
        },
      },
    },
    async (request) => {
      const { scope } = authOf(request);
      const { id } = await findInbox(scope, request.params.id);
      const { folders } = request.body;
      return setLoggingInbox(scope, id, folders === null ? null : parseLoggingFolders(folders));
    },
  );

  app.delete(
    '/inboxes/:id',
    { ...scoped('write'), schema: { tags, summary: 'Remove an inbox (its session ends within a second; its logged emails stay)', params: IdParams, response: { 200: Type.Ref('InboxDetail'), ...problemResponses(404) } } },
    async (request) => {
      const { scope } = authOf(request);
      const { id } = await findInbox(scope, request.params.id);
      await removeInbox(scope, id);
      return showInbox(scope, id);
    },
  );
};
