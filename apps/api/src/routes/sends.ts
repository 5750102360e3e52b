// Sending through a user's mailbox: POST /v1/emails saves the email (checked, with its attachments) and
// queues its send (ids only; the sync worker sends it over the inbox's SMTP, logs it and files the Sent
// copy); GET /v1/sends/{id} is the job's outcome as the worker recorded it: pending, sent (the logged email,
// its Message-ID, any refused recipients, the tracking plan of a tracked send) or failed (the code and sentence).
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OutgoingEmail } from '@reply-sync/db';
import { OperationError, saveOutgoing } from '@reply-sync/operations';
import { enqueueSend, type SendQueue } from '@reply-sync/queue';
import { parseRecipients } from '@reply-sync/sync-worker/send-recipients';
import { parseSendJobReason, SendError } from '@reply-sync/sync-worker/send-error';
import { TRACKING_PLAN_REASONS, TRACKING_PLAN_SENTENCES, type TrackingPlan, type TrackingPlanReason } from '@reply-sync/tracking';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { ApiProblem } from '../problem';
import { IdParams, Nullable, NullableDateTime, OneOf, problemResponses } from '../schemas';

/** 10 MB of attachments as base64, with room for the rest of the body. */
const SEND_BODY_LIMIT = 15 * 1024 * 1024;

const Recipient = Type.String({ minLength: 3, maxLength: 400, description: 'name@example.com or Name <name@example.com>' });

const SendBody = Type.Object(
  {
    inboxId: Type.String({ description: "The inbox to send from (its user's mailbox, over its SMTP server)." }),
    to: Type.Array(Recipient, { minItems: 1, maxItems: 100 }),
    cc: Type.Optional(Type.Array(Recipient, { maxItems: 100 })),
    subject: Type.String({ maxLength: 998 }),
    text: Type.Optional(Type.String()),
    html: Type.Optional(Type.String()),
    attachments: Type.Optional(
      Type.Array(Type.Object({ filename: Type.String({ minLength: 1, maxLength: 255 }), contentType: Type.Optional(Type.String({ maxLength: 255 })), content: Type.String({ contentEncoding: 'base64' }) }, { additionalProperties: false }), { maxItems: 50 }),
    ),
    contacts: Type.Optional(Type.Array(Type.String(), { maxItems: 100, description: 'Contact emails to associate.' })),
    companies: Type.Optional(Type.Array(Type.String(), { maxItems: 50, description: 'Company ids or names.' })),
    deals: Type.Optional(Type.Array(Type.String(), { maxItems: 50, description: 'Deal ids or names.' })),
    track: Type.Optional(
      Type.Boolean({
        description:
          'Track opens (a pixel) and, where the account allows it for the sender, clicks (rewritten links). Who is tracked, and how, follows the account\'s GDPR setting, the recipients\' tracking basis, never-log and "do not track": see `tracking` in the outcome.',
      }),
    ),
  },
  { additionalProperties: false },
);

const TrackingModeSchema = OneOf(['personal', 'anonymous', 'none']);
const TrackingReasonSchema = Type.Object({ code: OneOf(TRACKING_PLAN_REASONS), sentence: Type.String() });
const TrackingPlanSchema = Type.Object(
  {
    pixel: TrackingModeSchema,
    clicks: Type.Boolean({ description: 'Links were rewritten to the tracker.' }),
    reasons: Type.Array(TrackingReasonSchema, { description: 'Why the email is tracked as it is, the deciding reason first.' }),
    recipients: Type.Array(Type.Object({ address: Type.String(), tracking: TrackingModeSchema, reason: TrackingReasonSchema })),
  },
  { $id: 'TrackingPlan', description: 'Who the send tracks and how, decided when the message was built.' },
);

const Send = Type.Object(
  {
    id: Type.String({ description: 'The send: GET /v1/sends/{id} for its outcome.' }),
    inboxId: Type.String(),
    status: OneOf(['pending', 'sent', 'failed']),
    messageId: Nullable(Type.String()),
    emailId: Nullable(Type.String({ description: 'The logged email, once sent (GET /v1/emails/{id}).' })),
    rejected: Type.Array(Type.String(), { description: 'Recipients the server refused while it took the others.' }),
    sentAt: NullableDateTime,
    failure: Nullable(Type.Object({ code: Type.String(), sentence: Type.String() })),
    track: Type.Boolean({ description: 'Tracking was requested.' }),
    /** The tracking plan; null until the message is built, or when tracking was not requested. */
    tracking: Nullable(Type.Ref('TrackingPlan')),
  },
  { $id: 'Send' },
);

const reasonOf = (code: TrackingPlanReason) => ({ code, sentence: TRACKING_PLAN_SENTENCES[code] });

/** The plan saved with the built message, read defensively (a jsonb column). */
function trackingOf(value: unknown) {
  const plan = value as Partial<TrackingPlan> | null;
  if (!plan || typeof plan !== 'object' || !Array.isArray(plan.reasons) || !Array.isArray(plan.recipients)) return null;
  const known = (code: unknown): code is TrackingPlanReason => typeof code === 'string' && (TRACKING_PLAN_REASONS as readonly string[]).includes(code);
  return {
    pixel: plan.pixel ?? 'none',
    clicks: plan.clicks === true,
    reasons: plan.reasons.filter(known).map(reasonOf),
    recipients: plan.recipients.filter((r) => known(r.reason)).map((r) => ({ address: r.address, tracking: r.tracking, reason: reasonOf(r.reason) })),
  };
}

function sendOf(e: OutgoingEmail) {
  return {
    id: e.id,
    inboxId: e.inboxId,
    status: e.status,
    messageId: e.messageId,
    emailId: e.emailId,
    rejected: e.rejected,
    sentAt: e.sentAt,
    failure: e.failure ? parseSendJobReason(e.failure) : null,
    track: e.track,
    tracking: trackingOf(e.trackingPlan),
  };
}

/** The worker's recipient parser, its SendError as the operations' error. */
function checkRecipients(recipients: { to: string[]; cc: string[] }): void {
  try {
    parseRecipients(recipients);
  } catch (error) {
    if (error instanceof SendError) throw new OperationError(error.code === 'invalid_request' ? 'invalid_recipient' : error.code, error.message);
    throw error;
  }
}

export const sendRoutes: FastifyPluginAsyncTypebox<{ sendQueue: SendQueue | null }> = async (app, deps) => {
  app.addSchema(TrackingPlanSchema);
  app.addSchema(Send);
  const tags = ['emails'];

  app.post(
    '/emails',
    {
      ...scoped('write'),
      bodyLimit: SEND_BODY_LIMIT,
      schema: { tags, summary: "Send an email through a user's mailbox (queued; GET /v1/sends/{id} for the outcome)", body: SendBody, response: { 202: Type.Ref('Send'), ...problemResponses(404, 413, 422, 503) } },
    },
    async (request, reply) => {
      if (!deps.sendQueue) throw new ApiProblem(503, 'send_queue_unavailable', 'This API has no send queue (REDIS_URL); sending is not possible here.');
      const b = request.body;
      if (!b.text && !b.html) throw new ApiProblem(400, 'body_missing', 'Give the email a body: text and/or html.');
      const { scope } = authOf(request);
      // One send per request; the Idempotency-Key header makes a retried request this same send.
      const { email } = await saveOutgoing(
        scope,
        {
          inboxId: b.inboxId,
          sendId: randomUUID(),
          to: b.to,
          cc: b.cc ?? [],
          subject: b.subject,
          text: b.text ?? null,
          html: b.html ?? null,
          attachments: async () => (b.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType ?? null, content: Buffer.from(a.content, 'base64') })),
          contacts: b.contacts ?? [],
          companies: b.companies ?? [],
          deals: b.deals ?? [],
          track: b.track ?? false,
        },
        checkRecipients,
      );
      await enqueueSend(deps.sendQueue, { accountId: scope.accountId, inboxId: email.inboxId, outgoingEmailId: email.id, sendId: email.sendId });
      return reply.code(202).header('location', `/v1/sends/${email.id}`).send(sendOf(email));
    },
  );

  app.get('/sends/:id', { ...scoped('read'), schema: { tags, summary: "A send's outcome", params: IdParams, response: { 200: Type.Ref('Send'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    return sendOf(await findOr404('send', request.params.id, (id) => scope.outgoingEmails.get(id)));
  });
};
