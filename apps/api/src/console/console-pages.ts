// The console's pages after sign-in: inboxes (support), one inbox with its history and decisions (support),
// reconnecting it and connecting a new one (admin), explain (support). The data comes from
// packages/operations, the same functions the API's JSON routes and the CLI use.
import type { FastifyInstance } from 'fastify';
import { connectInbox, explain, listInboxes, reconnectInbox, showInbox, timelineFor, toOperationError, type ConnectInboxInput } from '@reply-sync/operations';
import type { Scoped } from '@reply-sync/db';
import type { TlsMode } from '@reply-sync/mail';
import { lookForMessage } from '@reply-sync/operations/look-for-message';
import { consoleRoute } from '../access';
import { ApiProblem } from '../problem';
import { html } from './html';
import { page } from './layout';
import { startSignIn } from '../web-sign-in/start-sign-in';
import { contextOf } from './console-session';
import { requireConsole, sendPage, type ConsoleDeps } from './console-plugin';
import { connectPage, EMPTY_CONNECT_FORM, type ConnectForm } from './pages/connect-page';
import { errorPage } from './pages/error-page';
import { emailPage } from './pages/email-page';
import { explainPage } from './pages/explain-page';
import { timelinePage, type TimelineAssociations } from './pages/timeline-page';
import { activityPage } from './pages/activity-page';
import { serveActivityStream } from '../tracker/activity-stream';
import { inboxPage, type InboxPageOptions } from './pages/inbox-page';
import { inboxesPage, PROVIDERS, type ProviderFilter } from './pages/inboxes-page';
import { failureSentence } from './sentences';

const RECENT_DECISIONS = 50;
/** Tracked sends on the Activity page. */
const ACTIVITY_PAGE = 50;
/**
 * The console's look answers by then with what it found so far (the JSON route's default deadline): an inbox
 * whose server accepts and never answers is named on the page as not answering in time, never holding the request.
 */
export const CONSOLE_LOOK_DEADLINE_MS = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type FormBody = Record<string, string | undefined>;

const formOf = (body: unknown): FormBody => (body && typeof body === 'object' ? (body as FormBody) : {});

function connectInputOf(form: ConnectForm, password: string): ConnectInboxInput {
  const smtp = form.smtpHost.trim() ? { host: form.smtpHost.trim(), port: Number(form.smtpPort), tls: form.smtpTls as TlsMode } : undefined;
  return {
    ...(form.owner ? { userEmail: form.owner } : { team: true }),
    address: form.address.trim(),
    imap: { host: form.imapHost.trim(), port: Number(form.imapPort), tls: form.imapTls as TlsMode, allowPlaintext: false },
    smtp,
    username: form.username.trim(),
    password,
  };
}

/** A contact's companies and deals, for the links from its timeline to theirs. */
async function associationsOf(scope: Scoped, email: string): Promise<TimelineAssociations> {
  const [c] = await scope.contacts.findByEmails([email]);
  if (!c) return { companies: [], deals: [] };
  const companies = (await Promise.all(c.companyIds.map((id) => scope.companies.get(id)))).filter((x) => x !== null);
  const deals = (await Promise.all(c.dealIds.map((id) => scope.deals.get(id)))).filter((x) => x !== null);
  return { companies: companies.map((x) => ({ id: x.id, name: x.name })), deals: deals.map((x) => ({ id: x.id, name: x.name, status: x.status })) };
}

export async function registerConsolePages(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const mailDeps = () => ({ keys: deps.encryptionKeys(), tlsCa: deps.tlsCa });
  const support = { ...consoleRoute(), preHandler: requireConsole('support') };
  const admin = { ...consoleRoute(), preHandler: requireConsole('admin') };

  app.get('/inboxes', support, async (request, reply) => {
    const ctx = contextOf(request);
    const q = request.query as { disconnected?: string; provider?: string };
    const provider = PROVIDERS.includes(q.provider as ProviderFilter) ? (q.provider as ProviderFilter) : null;
    const all = await listInboxes(ctx.session!.scope);
    return sendPage(reply, inboxesPage(ctx, all, { disconnectedOnly: q.disconnected === '1', provider }));
  });

  /** The inbox page, or the 404 page for an id that is not this account's (exactly as for one that does not exist). */
  async function renderInbox(request: Parameters<typeof contextOf>[0], reply: Parameters<typeof sendPage>[0], id: string, result?: InboxPageOptions['result'], status = 200) {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const inbox = UUID.test(id) ? await scope.inboxes.get(id) : null;
    if (!inbox) return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
    const [detail, decisions] = await Promise.all([showInbox(scope, inbox.id), scope.decisions.pageForInbox(inbox.id, { limit: RECENT_DECISIONS })]);
    return sendPage(reply, inboxPage(ctx, detail, decisions, { result }), status);
  }

  app.get('/inboxes/:id', support, async (request, reply) => {
    const q = request.query as { reconnected?: string; connected?: string };
    const { say } = contextOf(request);
    const result = q.connected === '1' ? { ok: true as const, sentence: say('connected_now') } : q.reconnected === '1' ? { ok: true as const, sentence: say('reconnected') } : undefined;
    return renderInbox(request, reply, (request.params as { id: string }).id, result);
  });

  app.post('/inboxes/:id/reconnect', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const id = (request.params as { id: string }).id;
    const inbox = UUID.test(id) ? await scope.inboxes.get(id) : null;
    if (!inbox) return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
    try {
      await reconnectInbox(scope, { inboxId: inbox.id, password: formOf(request.body).password ?? '' }, mailDeps());
    } catch (error) {
      const failure = toOperationError(error);
      if (failure.code === 'unexpected') request.log.error({ err: error }, 'console reconnect failed');
      return renderInbox(request, reply, inbox.id, { ok: false, sentence: failureSentence(failure, ctx.lang, { address: inbox.address }), detail: failure.detail }, 422);
    }
    request.log.info({ event: 'console_inbox_reconnected', inboxId: inbox.id, consoleUserId: ctx.session!.user.id }, 'inbox reconnected from the console');
    return reply.code(303).header('location', `/console/inboxes/${inbox.id}?reconnected=1`).send();
  });

  app.get('/connect', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const users = await ctx.session!.scope.users.list();
    return sendPage(reply, connectPage(ctx, users, { ...EMPTY_CONNECT_FORM, owner: users[0]?.email ?? '' }));
  });

  app.post('/connect', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const body = formOf(request.body);
    const form: ConnectForm = Object.fromEntries(Object.keys(EMPTY_CONNECT_FORM).map((k) => [k, body[k] ?? ''])) as unknown as ConnectForm;
    try {
      const connected = await connectInbox(scope, connectInputOf(form, body.password ?? ''), mailDeps());
      request.log.info({ event: 'console_inbox_connected', inboxId: connected.inbox.id, consoleUserId: ctx.session!.user.id }, 'inbox connected from the console');
      return reply.code(303).header('location', `/console/inboxes/${connected.inbox.id}?connected=1`).send();
    } catch (error) {
      const failure = toOperationError(error);
      if (failure.code === 'unexpected') request.log.error({ err: error }, 'console connect failed');
      const users = await scope.users.list();
      return sendPage(reply, connectPage(ctx, users, form, { code: failure.code, sentence: failureSentence(failure, ctx.lang, { address: form.address }), detail: failure.detail }), 422);
    }
  });

  // The provider buttons start the API's web sign-in (start-sign-in.ts) for a new inbox of the chosen
  // user, or for the inbox being reconnected, and send the browser to the provider's consent page; the
  // callback brings it back to the inbox's page.
  app.post('/oauth/:provider', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const provider = (request.params as { provider: string }).provider;
    if (provider !== 'gmail' && provider !== 'office365') return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
    const title = ctx.say(provider === 'gmail' ? 'sign_in_google' : 'sign_in_microsoft');
    if (!deps.webSignIn) return sendPage(reply, errorPage(ctx, title, ctx.say('oauth_unavailable', { provider })), 503);
    const body = request.body as Record<string, string | undefined>;
    try {
      const target = body.inboxId ? { inboxId: body.inboxId } : body.owner ? { userEmail: body.owner } : {};
      const started = await startSignIn(deps.webSignIn, ctx.session!.scope, provider, { ...target, successUrl: '/console/inboxes' });
      request.log.info({ event: 'console_oauth_started', provider, consoleUserId: ctx.session!.user.id }, 'web sign-in started from the console');
      // Not a 303: the page's form-action 'self' would stop a form's redirect to the provider. A page
      // that moves on by itself (meta refresh, no script) with a link for the same, as a fallback.
      const url = started.authorizationUrl;
      return sendPage(reply, page(ctx, { title, head: html`<meta http-equiv="refresh" content="0;url=${url}">`, body: html`<p>${ctx.say('oauth_continue')} <a href="${url}">${ctx.say('oauth_continue_link')}</a></p>` }));
    } catch (error) {
      if (error instanceof ApiProblem) return sendPage(reply, errorPage(ctx, title, error.message), error.status === 404 ? 404 : error.status === 503 ? 503 : 422);
      throw error;
    }
  });

  // Read-only on the mail servers, and it records decisions as `explain --look` does: open to support too.
  app.post('/explain/look', support, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const messageId = (formOf(request.body).messageId ?? '').trim();
    try {
      const looked = await lookForMessage(scope, messageId, { signal: AbortSignal.timeout(CONSOLE_LOOK_DEADLINE_MS) }, () => ({ keys: deps.encryptionKeys(), tlsCa: deps.tlsCa, budget: deps.lookBudget, budgetNote: deps.lookBudget ? undefined : 'this API runs without Redis' }));
      return sendPage(reply, explainPage(ctx, messageId, await explain(scope, messageId), undefined, { ...looked, deadlineSeconds: CONSOLE_LOOK_DEADLINE_MS / 1000 }));
    } catch (error) {
      const failure = toOperationError(error);
      if (failure.code === 'unexpected') throw error;
      return sendPage(reply, explainPage(ctx, messageId, null, failure.message), 422);
    }
  });

  app.get('/activity', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const sends = await ctx.session!.scope.activity.feed({}, { limit: ACTIVITY_PAGE });
    return sendPage(reply, activityPage(ctx, sends));
  });

  // The Activity page's EventSource: the same stream as GET /v1/activity/stream, behind the session.
  app.get('/activity/stream', admin, async (request, reply) => {
    const ctx = contextOf(request);
    if (!deps.live) return reply.code(503).type('text/plain; charset=utf-8').send(ctx.say('error_title'));
    const served = await serveActivityStream(request, reply, { hub: deps.live, scope: ctx.session!.scope });
    if (!served) return reply.code(429).type('text/plain; charset=utf-8').send(ctx.say('error_title'));
  });

  // A contact's timeline (by email, from the search form), or a company's or deal's (by id, linked from the
  // contact's associations); the same rendering and the same admin-only rule for bodies and attachments.
  app.get('/timeline', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const q = request.query as { contact?: string; company?: string; deal?: string };
    const contact = (q.contact ?? '').trim();
    const company = (q.company ?? '').trim();
    const deal = (q.deal ?? '').trim();
    if (!contact && !company && !deal) return sendPage(reply, timelinePage(ctx, '', null));
    // Companies and deals by id only: a name in the URL would find another row of the same name.
    if (!contact && !UUID.test(company || deal)) return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
    try {
      const timeline = await timelineFor(scope, contact ? { contact } : company ? { company } : { deal });
      const associations = contact ? await associationsOf(scope, contact) : undefined;
      return sendPage(reply, timelinePage(ctx, contact, timeline, undefined, associations));
    } catch (error) {
      const failure = toOperationError(error);
      if (failure.code === 'unexpected') throw error;
      if (!contact && failure.code.endsWith('_not_found')) return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
      return sendPage(reply, timelinePage(ctx, contact, null, failure.message), failure.code.endsWith('_not_found') ? 404 : 422);
    }
  });

  // Bodies and attachments are admins' only: a support user gets the 403 page, never the content.
  app.get('/emails/:id', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const id = (request.params as { id: string }).id;
    const email = UUID.test(id) ? await scope.emails.get(id) : null;
    if (!email) return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
    const allowRemoteImages = (request.query as { images?: string }).images === '1';
    // The page's own policy lets the sandboxed body load remote images only once asked (srcdoc inherits it).
    reply.header('content-security-policy', `default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:${allowRemoteImages ? ' https: http:' : ''}; connect-src 'self'`);
    return sendPage(reply, emailPage(ctx, email, await scope.attachments.listFor(email.id), { allowRemoteImages }));
  });

  app.get('/emails/:id/attachments/:attachmentId', admin, async (request, reply) => {
    const ctx = contextOf(request);
    const scope = ctx.session!.scope;
    const { id, attachmentId } = request.params as { id: string; attachmentId: string };
    const email = UUID.test(id) ? await scope.emails.get(id) : null;
    const attachment = email && UUID.test(attachmentId) ? await scope.attachments.get(email.id, attachmentId) : null;
    if (!attachment) return sendPage(reply, errorPage(ctx, ctx.say('not_found_title'), ctx.say('not_found')), 404);
    const name = (attachment.filename ?? 'attachment').replace(/[^\w.\- ]/g, '_');
    // Never rendered as a page of ours: a stranger wrote it.
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(attachment.filename ?? 'attachment')}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'no-store')
      .send(attachment.content as never);
  });

  app.get('/explain', support, async (request, reply) => {
    const ctx = contextOf(request);
    const messageId = ((request.query as { messageId?: string }).messageId ?? '').trim();
    if (!messageId) return sendPage(reply, explainPage(ctx, '', null));
    try {
      return sendPage(reply, explainPage(ctx, messageId, await explain(ctx.session!.scope, messageId)));
    } catch (error) {
      const failure = toOperationError(error);
      if (failure.code === 'unexpected') throw error;
      return sendPage(reply, explainPage(ctx, messageId, null, failure.message), 422);
    }
  });
}
