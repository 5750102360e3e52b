// Every route group of the API, and the public routes: the OpenAPI document, the health check and the tracker.
import type { Db, EncryptionKeys } from '@reply-sync/db';
import type { SendQueue } from '@reply-sync/queue';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { publicRoute } from '../access';
import { crmRoutes } from './crm';
import { decisionRoutes } from './decisions';
import { emailRoutes } from './emails';
import { inboxRoutes } from './inboxes';
import { inboundAddressRoutes } from './inbound-addresses';
import { doNotTrackRoutes } from './do-not-track';
import { neverLogRoutes } from './never-log';
import { sendRoutes } from './sends';
import { timelineRoutes } from './timeline';
import { trackingRoutes } from './tracking';
import { userRoutes } from './users';
import { webSignInRoutes } from './web-sign-in';
import type { WebSignInConfig } from '../web-sign-in/web-sign-in-config';
import type { LookLoginBudget } from '@reply-sync/operations/look-for-message';
import { webhookRoutes } from './webhooks';
import { trackerRoutes, type TrackerDeps } from './tracker';
import { activityRoutes, type ActivityDeps } from './activity';

export interface RouteDeps {
  db: Db;
  /** REPLY_SYNC_ENCRYPTION_KEYS, parsed when an inbox is connected. */
  encryptionKeys: () => EncryptionKeys;
  /** Extra trusted CA (PEM) for mail servers with private certificates. */
  tlsCa?: string | undefined;
  /** Where POST /v1/emails queues sends; null: sending answers 503. */
  sendQueue: SendQueue | null;
  /** Web sign-in (Gmail, Office 365); null: its routes answer 503 web_sign_in_not_configured. */
  webSignIn?: WebSignInConfig | null | undefined;
  /** WEBHOOKS_ALLOW_PRIVATE: webhook URLs to loopback and private addresses accepted. */
  allowPrivateWebhooks: boolean;
  /** The fleet's login budget for explain's look in the folders (API and console); absent: searched without it (tests). */
  lookBudget?: LookLoginBudget | undefined;
  /** The open/click tracker (TRACKING_KEYS and the batch recorder); absent: the pixel answers, links 404, nothing is recorded. */
  tracker?: TrackerDeps | undefined;
  /** The activity feed's live stream (this process's LISTEN); absent: the stream answers 503. */
  activity?: ActivityDeps | undefined;
  /** INBOUND_DOMAIN: where the logging addresses are; absent: their routes answer 503. */
  inboundDomain?: string | null | undefined;
}

export const registerRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  app.get('/openapi.json', { ...publicRoute(), schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { ...publicRoute(), schema: { summary: 'Health check (no key needed)', tags: ['meta'], response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: true }));
  await app.register(inboxRoutes, { prefix: '/v1', ...deps });
  await app.register(webSignInRoutes, deps);
  await app.register(decisionRoutes, { prefix: '/v1', encryptionKeys: deps.encryptionKeys, tlsCa: deps.tlsCa, lookBudget: deps.lookBudget });
  await app.register(userRoutes, { prefix: '/v1' });
  await app.register(crmRoutes, { prefix: '/v1' });
  await app.register(timelineRoutes, { prefix: '/v1' });
  await app.register(neverLogRoutes, { prefix: '/v1' });
  await app.register(inboundAddressRoutes, { prefix: '/v1', inboundDomain: deps.inboundDomain ?? null });
  await app.register(doNotTrackRoutes, { prefix: '/v1' });
  await app.register(trackingRoutes, { prefix: '/v1', db: deps.db, trackingConfigured: Boolean(deps.tracker?.keys) });
  await app.register(emailRoutes, { prefix: '/v1' });
  await app.register(sendRoutes, { prefix: '/v1', sendQueue: deps.sendQueue });
  await app.register(activityRoutes, { prefix: '/v1', ...(deps.activity ?? { live: null }) });
  await app.register(trackerRoutes, deps.tracker ?? { keys: null, recorder: null });
  await app.register(webhookRoutes, { prefix: '/v1', encryptionKeys: deps.encryptionKeys, allowPrivateWebhooks: deps.allowPrivateWebhooks });
};
