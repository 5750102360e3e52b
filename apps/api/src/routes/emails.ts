// Emails on the timeline: one with its body and attachment list, each attachment's bytes (read keys only:
// bodies and attachments are never a support key's), and logging an email sent elsewhere (write).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LOG_SOURCES, logEmail, MAX_LOGGED_EMAIL_BYTES, storedVerification } from '@reply-sync/operations';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { ApiProblem } from '../problem';
import { DateTime, IdParams, Nullable, NullableDateTime, OneOf, problemResponses } from '../schemas';

const Address = Type.Object({ address: Type.String(), name: Type.Optional(Type.String()) });

const Email = Type.Object(
  {
    id: Type.String(),
    threadId: Type.String(),
    direction: OneOf(['inbound', 'outbound']),
    source: Type.String(),
    messageId: Type.String(),
    subject: Type.String(),
    from: Address,
    to: Type.Array(Address),
    cc: Type.Array(Address),
    sentAt: NullableDateTime,
    receivedAt: NullableDateTime,
    textBody: Nullable(Type.String()),
    htmlBody: Nullable(Type.String()),
    attachments: Type.Array(Type.Object({ id: Type.String(), filename: Nullable(Type.String()), contentType: Type.String(), size: Type.Integer() })),
    attachmentsSkippedReason: Nullable(Type.String()),
    senderVerification: Nullable(Type.Object({ verified: Type.Boolean(), dmarc: Nullable(Type.String()), dkim: Nullable(Type.String()), dkimAligned: Nullable(Type.Boolean()), spf: Nullable(Type.String()), detail: Nullable(Type.String()) })),
    createdAt: DateTime,
  },
  { $id: 'Email' },
);

const LogBody = Type.Object(
  {
    raw: Type.String({ contentEncoding: 'base64', minLength: 1, description: 'The whole RFC 5322 message (headers and body), base64.' }),
    userEmail: Type.String({ description: 'The user who sent it: the owner of its thread.' }),
    inboxId: Type.Optional(Type.String({ description: "The inbox it was sent from; default the user's personal inbox when they have exactly one." })),
    deals: Type.Optional(Type.Array(Type.String(), { maxItems: 50, description: "Deals (id or name) to associate besides the recipients' own." })),
    companies: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
    contacts: Type.Optional(Type.Array(Type.String(), { maxItems: 50, description: "Contacts (email) to associate besides the recipients'." })),
    only: Type.Optional(Type.Boolean({ description: "An explicit selection: associate exactly contacts, deals and companies, without the default (the To and Cc recipients' contacts, made when missing, their companies and each one's first three open deals)." })),
    source: Type.Optional(OneOf([...LOG_SOURCES])),
  },
  { additionalProperties: false },
);

const Logged = Type.Object({
  inserted: Type.Boolean({ description: 'False when this Message-ID was already logged in the account (nothing changed).' }),
  emailId: Type.String(),
  threadId: Type.String(),
  messageId: Type.String(),
  subject: Type.String(),
  associations: Type.Object({
    contacts: Type.Array(Type.Object({ id: Type.String(), email: Type.String() })),
    companies: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    deals: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  }),
});

/**
 * The base64 of a message just over the 50 MB that may be logged, so a larger one reaches logEmail and is
 * refused with its reason (email_too_large: delivered, not logged), not by the body limit's generic 413.
 */
const LOG_BODY_LIMIT = Math.ceil((MAX_LOGGED_EMAIL_BYTES * 4) / 3) + 2 * 1024 * 1024;

/** A filename safe inside a quoted Content-Disposition parameter, with the exact name in filename*. */
function contentDisposition(filename: string | null): string {
  if (!filename) return 'attachment';
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export const emailRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Email);
  const tags = ['emails'];

  app.get('/emails/:id', { ...scoped('read'), schema: { tags, summary: 'One email with its body and attachment list', params: IdParams, response: { 200: Type.Ref('Email'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    const email = await findOr404('email', request.params.id, (id) => scope.emails.get(id));
    const attachments = await scope.attachments.listFor(email.id);
    return { ...email, from: { address: email.fromAddress, ...(email.fromName ? { name: email.fromName } : {}) }, attachments, senderVerification: storedVerification(email) };
  });

  app.get(
    '/emails/:id/attachments/:attachmentId',
    {
      ...scoped('read'),
      schema: {
        tags,
        summary: "One attachment's bytes",
        params: Type.Object({ id: Type.String(), attachmentId: Type.String() }),
        response: { 200: { description: 'The attachment, with its content type.', content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } } }, ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const { scope } = authOf(request);
      const email = await findOr404('email', request.params.id, (id) => scope.emails.get(id));
      const attachment = await findOr404('attachment', request.params.attachmentId, (id) => scope.attachments.get(email.id, id));
      // Never rendered by the browser as a page of ours: a stranger wrote it.
      return reply
        .type(attachment.contentType || 'application/octet-stream')
        .header('content-disposition', contentDisposition(attachment.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(attachment.content as never);
    },
  );

  app.post(
    '/emails/log',
    {
      ...scoped('write'),
      // A whole message, attachments included, base64: more than API_BODY_LIMIT allows other routes.
      bodyLimit: LOG_BODY_LIMIT,
      schema: { tags, summary: 'Log an email sent elsewhere (its replies are then matched)', body: LogBody, response: { 201: Logged, 200: Logged, ...problemResponses(404, 413, 422) } },
    },
    async (request, reply) => {
      const b = request.body;
      const raw = Buffer.from(b.raw, 'base64');
      if (raw.length === 0) throw new ApiProblem(400, 'invalid_request', 'The email (raw) is empty or not base64; send the whole RFC 5322 message, base64-encoded.');
      const logged = await logEmail(authOf(request).scope, { raw, userEmail: b.userEmail, inboxId: b.inboxId, deals: b.deals, companies: b.companies, contacts: b.contacts, only: b.only, source: b.source });
      return reply.code(logged.inserted ? 201 : 200).send(logged);
    },
  );
};
