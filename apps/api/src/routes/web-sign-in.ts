// Web sign-in for Gmail and Office 365: POST /v1/inboxes/oauth/{provider} answers the provider's
// authorization URL (write); GET /oauth/{provider}/callback is where the provider sends the browser back
// (public: a browser carries no API key; the signed, single-use state says whose sign-in it is). The
// steps are web-sign-in/; this file only speaks HTTP.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { publicRoute, scoped } from '../access';
import { authOf } from '../authenticate';
import { ApiProblem } from '../problem';
import { DateTime, OneOf, problemResponses } from '../schemas';
import { completeSignIn } from '../web-sign-in/complete-sign-in';
import { signInPageHtml, type SignInPage } from '../web-sign-in/sign-in-page';
import { startSignIn } from '../web-sign-in/start-sign-in';
import { withOutcome } from '../web-sign-in/success-url';
import { isOAuthProviderName, OAUTH_PROVIDER_NAMES } from '../web-sign-in/web-sign-in-config';
import type { RouteDeps } from './index';

const StartBody = Type.Object(
  {
    userId: Type.Optional(Type.String({ description: 'The user whose new inbox this is (or userEmail).' })),
    userEmail: Type.Optional(Type.String({ maxLength: 320 })),
    inboxId: Type.Optional(Type.String({ description: 'Sign this OAuth inbox in again: its tokens are replaced in place, and the provider must sign in the same account.' })),
    loginHint: Type.Optional(Type.String({ maxLength: 320, description: "Pre-fills the account on the provider's page (default: the user's email, or the inbox's login)." })),
    successUrl: Type.Optional(Type.String({ maxLength: 2048, description: 'Where the browser goes after a successful sign-in (303, with inboxId and result added): a path on this API, or a URL under API_OAUTH_SUCCESS_URLS. Without it, the callback answers a page.' })),
  },
  { additionalProperties: false },
);

const Started = Type.Object({
  authorizationUrl: Type.String({ description: "Send the user's browser here." }),
  redirectUri: Type.String({ description: 'Where the provider sends the browser back (register it with the OAuth app).' }),
  expiresAt: DateTime,
});

const ProviderParams = Type.Object({ provider: OneOf(OAUTH_PROVIDER_NAMES) });

const CallbackQuery = Type.Object(
  {
    state: Type.Optional(Type.String({ maxLength: 4096 })),
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    error: Type.Optional(Type.String({ maxLength: 256 })),
    error_description: Type.Optional(Type.String({ maxLength: 2048 })),
    scope: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: true },
);

const html = { description: 'An HTML page with the sentence and our code (id="sentence", id="code").', content: { 'text/html': { schema: Type.String() } } };

export const webSignInRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const config = () => {
    if (!deps.webSignIn) throw new ApiProblem(503, 'web_sign_in_not_configured', 'Web sign-in is not configured on this API: the operator sets API_OAUTH_STATE_KEY and API_PUBLIC_URL.');
    return deps.webSignIn;
  };

  app.post(
    '/v1/inboxes/oauth/:provider',
    {
      ...scoped('write'),
      schema: {
        tags: ['inboxes'],
        summary: "Start a web sign-in: the provider's authorization URL for a user's new inbox, or to reconnect an inbox",
        description:
          "The URL carries a signed state that expires (API_OAUTH_STATE_TTL_SECONDS, default 10 minutes) and is good for one callback, a PKCE S256 challenge and login_hint. The provider sends the browser back to GET /oauth/{provider}/callback, which logs in with XOAUTH2 before saving the inbox.",
        params: ProviderParams,
        body: StartBody,
        response: { 200: Started, ...problemResponses(404, 422, 503) },
      },
    },
    async (request) => startSignIn(config(), authOf(request).scope, request.params.provider, request.body),
  );

  app.get(
    '/oauth/:provider/callback',
    {
      ...publicRoute(),
      schema: {
        tags: ['inboxes'],
        summary: 'Where the provider sends the browser back after a web sign-in (no API key)',
        description: 'Checks the state, exchanges the code, logs in with XOAUTH2, saves the inbox (tokens encrypted), then redirects (303) to the success URL or answers a page. Refusals answer a page with the sentence and a stable code: oauth_state_missing, oauth_state_invalid, oauth_state_expired, oauth_state_replayed, oauth_state_provider_mismatch, oauth_consent_denied, consent_missing, oauth_account_mismatch, and the login reason codes.',
        params: Type.Object({ provider: Type.String() }),
        querystring: CallbackQuery,
        response: { 200: html, 303: { description: 'To the success URL, with inboxId and result (connected or reconnected).' }, 400: html, 403: html, 404: html, 422: html, 500: html, 502: html, 503: html },
      },
    },
    async (request, reply) => {
      const page = (status: number, p: SignInPage) => reply.code(status as 200).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8').send(signInPageHtml(p));
      const { provider } = request.params;
      if (!isOAuthProviderName(provider)) {
        return page(404, { ok: false, title: 'Sign-in failed', code: 'oauth_provider_unknown', sentence: `There is no sign-in for ${provider}; the providers are ${OAUTH_PROVIDER_NAMES.join(' and ')}.` });
      }
      if (!deps.webSignIn) return page(503, { ok: false, title: 'Sign-in failed', code: 'web_sign_in_not_configured', sentence: 'Web sign-in is not configured on this API; nothing was saved.' });
      let outcome;
      try {
        outcome = await completeSignIn(deps.webSignIn, { db: deps.db, keys: deps.encryptionKeys }, provider, request.query);
      } catch (error) {
        request.log.error({ err: error }, 'web sign-in failed');
        return page(500, { ok: false, title: 'Sign-in failed', code: 'unexpected', sentence: 'Something went wrong on our side; nothing you did caused it. Start the sign-in again, and tell support if it keeps happening.' });
      }
      if (!outcome.ok) {
        request.log.info({ event: 'web_sign_in_refused', provider, code: outcome.code }, 'web sign-in refused');
        return page(outcome.status, { ok: false, title: 'Sign-in failed', code: outcome.code, sentence: outcome.sentence, detail: outcome.detail });
      }
      const { inbox } = outcome.connected;
      request.log.info({ event: 'web_sign_in', provider, inboxId: inbox.id, result: outcome.result }, 'web sign-in saved an inbox');
      if (outcome.successUrl) return reply.code(303).header('cache-control', 'no-store').redirect(withOutcome(outcome.successUrl, { inboxId: inbox.id, result: outcome.result }), 303);
      return page(200, {
        ok: true,
        title: outcome.result === 'connected' ? 'Inbox connected' : 'Inbox reconnected',
        code: outcome.result,
        sentence: `${inbox.address} is ${outcome.result} (signed in as ${inbox.username} with XOAUTH2); replies to logged emails are synced from now on. You can close this page.`,
      });
    },
  );
};
