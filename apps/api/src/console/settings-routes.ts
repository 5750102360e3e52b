// The console's Settings pages (admins only): the never-log list, tracking (the law's switches and the
// do-not-track list), API keys and webhook subscriptions with
// their deliveries. The same operations the API's /v1 routes and the CLI use (packages/operations,
// packages/webhooks, the account's scoped() queries); another account's ids answer the 404 page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_KEY_SCOPES } from '@reply-sync/db/api-key-scopes';
import { webhookErrorSentence } from '@reply-sync/i18n';
import { addDoNotTrack, addNeverLog, getTrackingSettings, removeDoNotTrack, removeNeverLog, setTrackingSettings, toOperationError } from '@reply-sync/operations';
import { addWebhook, enableWebhook, getWebhook, listWebhookAttempts, listWebhooks, removeWebhook, WEBHOOK_ERROR_CODES, WEBHOOK_EVENT_TYPES, type WebhookErrorCode } from '@reply-sync/webhooks';
import { consoleRoute } from '../access';
import { contextOf } from './console-session';
import { requireConsole, sendPage, type ConsoleDeps } from './console-plugin';
import { apiKeysPage } from './pages/api-keys-page';
import { errorPage } from './pages/error-page';
import { neverLogPage } from './pages/never-log-page';
import { trackingPage } from './pages/tracking-page';
import { webhookPage } from './pages/webhook-page';
import { webhooksPage } from './pages/webhooks-page';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RECENT_ATTEMPTS = 50;
type FormBody = Record<string, string | undefined>;

const formOf = (body: unknown): FormBody => (body && typeof body === 'object' ? (body as FormBody) : {});
const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
const notFound = (request: FastifyRequest, reply: FastifyReply) => {
  const ctx = contextOf(request);
  return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
};
const isWebhookErrorCode = (code: string): code is WebhookErrorCode => (WEBHOOK_ERROR_CODES as readonly string[]).includes(code);

export async function registerSettingsPages(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const admin = { ...consoleRoute(), preHandler: requireConsole('admin') };

  app.get('/settings', admin, async (_request, reply) => reply.code(303).header('location', '/console/settings/never-log').send());

  // The never-log list.
  app.get('/settings/never-log', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const q = request.query as { added?: string; removed?: string };
    const result = q.added ? { ok: true, sentence: ctx.say('never_log_added', { value: q.added }) } : q.removed ? { ok: true, sentence: ctx.say('never_log_removed', { value: q.removed }) } : undefined;
    return sendPage(reply, neverLogPage(ctx, await ctx.session!.scope.neverLog.list(), { result }));
  });

  app.post('/settings/never-log', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const value = (formOf(request.body).value ?? '').trim();
    try {
      const entry = await addNeverLog(scope, value);
      request.log.info({ event: 'console_never_log_added', consoleUserId: ctx.session!.user.id, entryId: entry.id }, 'never-log entry added from the console');
      const shown = entry.kind === 'domain' ? `@${entry.value}` : entry.value;
      return reply.code(303).header('location', `/console/settings/never-log?added=${encodeURIComponent(shown)}`).send();
    } catch (error) {
      const failure = toOperationError(error);
      if (failure.code === 'unexpected') throw error;
      const sentence = failure.code === 'invalid_never_log_value' ? ctx.say('never_log_invalid', { value }) : failure.message;
      return sendPage(reply, neverLogPage(ctx, await scope.neverLog.list(), { result: { ok: false, sentence }, value }), 422);
    }
  });

  app.post('/settings/never-log/:id/remove', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const id = idOf(request);
    const entry = UUID.test(id) ? await scope.neverLog.get(id) : null;
    if (!entry) return notFound(request, reply);
    const shown = entry.kind === 'domain' ? `@${entry.value}` : entry.value;
    await removeNeverLog(scope, shown);
    request.log.info({ event: 'console_never_log_removed', consoleUserId: ctx.session!.user.id, entryId: entry.id }, 'never-log entry removed from the console');
    return reply.code(303).header('location', `/console/settings/never-log?removed=${encodeURIComponent(shown)}`).send();
  });

  // Tracking: the GDPR and clicks-by-seat switches (one form, both fields: an unchecked box is off), and the do-not-track list.
  const renderTracking = async (request: FastifyRequest, reply: FastifyReply, options: Parameters<typeof trackingPage>[3], status = 200) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    return sendPage(reply, trackingPage(ctx, await getTrackingSettings(scope), await scope.doNotTrack.list(), options), status);
  };

  app.get('/settings/tracking', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const q = request.query as { saved?: string; added?: string; removed?: string };
    const sentence = q.saved === '1' ? ctx.say('tracking_saved') : q.added ? ctx.say('do_not_track_added', { value: q.added }) : q.removed ? ctx.say('do_not_track_removed', { value: q.removed }) : undefined;
    return renderTracking(request, reply, { result: sentence ? { ok: true, sentence } : undefined });
  });

  app.post('/settings/tracking', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const form = formOf(request.body);
    const settings = await setTrackingSettings(ctx.session!.scope, { gdpr: form.gdpr === '1', clickTrackingSeatsOnly: form.clicks_seats_only === '1' });
    request.log.info({ event: 'console_tracking_settings_saved', consoleUserId: ctx.session!.user.id, ...settings }, 'tracking settings saved from the console');
    return reply.code(303).header('location', '/console/settings/tracking?saved=1').send();
  });

  app.post('/settings/tracking/do-not-track', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const value = (formOf(request.body).value ?? '').trim();
    try {
      const entry = await addDoNotTrack(ctx.session!.scope, value);
      request.log.info({ event: 'console_do_not_track_added', consoleUserId: ctx.session!.user.id, entryId: entry.id }, 'do-not-track entry added from the console');
      const shown = entry.kind === 'domain' ? `@${entry.value}` : entry.value;
      return reply.code(303).header('location', `/console/settings/tracking?added=${encodeURIComponent(shown)}`).send();
    } catch (error) {
      const failure = toOperationError(error);
      if (failure.code === 'unexpected') throw error;
      const sentence = failure.code === 'invalid_do_not_track_value' ? ctx.say('never_log_invalid', { value }) : failure.message;
      return renderTracking(request, reply, { result: { ok: false, sentence }, value }, 422);
    }
  });

  app.post('/settings/tracking/do-not-track/:id/remove', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const id = idOf(request);
    const entry = UUID.test(id) ? await scope.doNotTrack.get(id) : null;
    if (!entry) return notFound(request, reply);
    const shown = entry.kind === 'domain' ? `@${entry.value}` : entry.value;
    await removeDoNotTrack(scope, shown);
    request.log.info({ event: 'console_do_not_track_removed', consoleUserId: ctx.session!.user.id, entryId: entry.id }, 'do-not-track entry removed from the console');
    return reply.code(303).header('location', `/console/settings/tracking?removed=${encodeURIComponent(shown)}`).send();
  });

  // API keys: the new key is in the POST's answer only (no redirect, no-store), never in a URL or a log.
  app.get('/settings/api-keys', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const revoked = (request.query as { revoked?: string }).revoked;
    const result = revoked ? { ok: true, sentence: ctx.say('api_key_revoked', { prefix: revoked }) } : undefined;
    return sendPage(reply, apiKeysPage(ctx, await ctx.session!.scope.apiKeys.list(), { result }));
  });

  app.post('/settings/api-keys', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const form = formOf(request.body);
    const scopes = API_KEY_SCOPES.filter((s) => form[`scope_${s}`] === '1');
    if (scopes.length === 0) return sendPage(reply, apiKeysPage(ctx, await scope.apiKeys.list(), { result: { ok: false, sentence: ctx.say('api_key_no_scopes') } }), 422);
    const created = await scope.apiKeys.create({ scopes, name: form.name?.trim().slice(0, 100) || null });
    request.log.info({ event: 'console_api_key_created', consoleUserId: ctx.session!.user.id, apiKeyId: created.apiKey.id, prefix: created.apiKey.prefix, scopes }, 'API key created from the console');
    return sendPage(reply, apiKeysPage(ctx, await scope.apiKeys.list(), { created: { key: created.key, prefix: created.apiKey.prefix } }));
  });

  app.post('/settings/api-keys/:id/revoke', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const id = idOf(request);
    const key = UUID.test(id) ? (await scope.apiKeys.list()).find((k) => k.id === id) : undefined;
    if (!key) return notFound(request, reply);
    await scope.apiKeys.revoke(key.id);
    deps.forgetApiKey?.(key.id);
    request.log.info({ event: 'console_api_key_revoked', consoleUserId: ctx.session!.user.id, apiKeyId: key.id, prefix: key.prefix }, 'API key revoked from the console');
    return reply.code(303).header('location', `/console/settings/api-keys?revoked=${key.prefix}`).send();
  });

  // Webhook subscriptions: the secret is in the POST's answer only, as with API keys.
  app.get('/settings/webhooks', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const q = request.query as { removed?: string; enabled?: string };
    const result = q.removed === '1' ? { ok: true, sentence: ctx.say('webhook_removed') } : q.enabled === '1' ? { ok: true, sentence: ctx.say('webhook_enabled_again') } : undefined;
    return sendPage(reply, webhooksPage(ctx, await listWebhooks(ctx.session!.scope), { result }));
  });

  app.post('/settings/webhooks', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const form = formOf(request.body);
    const url = (form.url ?? '').trim();
    const events = WEBHOOK_EVENT_TYPES.filter((t) => form[`event_${t}`] === '1');
    try {
      const added = await addWebhook(scope, deps.encryptionKeys(), { url, events }, { allowPrivate: deps.allowPrivateWebhooks ?? false });
      request.log.info({ event: 'console_webhook_added', consoleUserId: ctx.session!.user.id, webhookId: added.endpoint.id }, 'webhook added from the console');
      return sendPage(reply, webhooksPage(ctx, await listWebhooks(scope), { created: { url: added.endpoint.url, secret: added.secret } }));
    } catch (error) {
      const failure = toOperationError(error);
      if (failure.code === 'unexpected') throw error;
      const sentence = isWebhookErrorCode(failure.code) ? webhookErrorSentence(failure.code, ctx.lang) : failure.message;
      return sendPage(reply, webhooksPage(ctx, await listWebhooks(scope), { result: { ok: false, sentence }, url }), 422);
    }
  });

  const findWebhook = async (request: FastifyRequest) => {
    const id = idOf(request);
    return UUID.test(id) ? getWebhook(contextOf(request).session!.scope, id) : null;
  };

  app.get('/settings/webhooks/:id', admin, async (request, reply) => {
    const webhook = await findWebhook(request);
    if (!webhook) return notFound(request, reply);
    const ctx = contextOf(request);
    return sendPage(reply, webhookPage(ctx, webhook, await listWebhookAttempts(ctx.session!.scope, { endpointId: webhook.id, limit: RECENT_ATTEMPTS })));
  });

  app.post('/settings/webhooks/:id/enable', admin, async (request, reply) => {
    const webhook = await findWebhook(request);
    if (!webhook) return notFound(request, reply);
    const ctx = contextOf(request);
    await enableWebhook(ctx.session!.scope, webhook.id);
    request.log.info({ event: 'console_webhook_enabled', consoleUserId: ctx.session!.user.id, webhookId: webhook.id }, 'webhook enabled from the console');
    return reply.code(303).header('location', '/console/settings/webhooks?enabled=1').send();
  });

  app.post('/settings/webhooks/:id/remove', admin, async (request, reply) => {
    const webhook = await findWebhook(request);
    if (!webhook) return notFound(request, reply);
    const ctx = contextOf(request);
    await removeWebhook(ctx.session!.scope, webhook.id);
    request.log.info({ event: 'console_webhook_removed', consoleUserId: ctx.session!.user.id, webhookId: webhook.id }, 'webhook removed from the console');
    return reply.code(303).header('location', '/console/settings/webhooks?removed=1').send();
  });
}
