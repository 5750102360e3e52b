// The tracker's two public routes (no API key: mail clients and browsers call them). GET /t/o/<token>.gif
// always answers the pixel, the same GIF whatever the token: the hit goes to the batch recorder as it came,
// and the recorder verifies the token at flush (once per distinct token), so the request does no check at
// all. GET /t/c/<token> checks its token's MAC in memory (one HMAC, good token or not) and redirects to the
// target it carries, or 404s; the rest of the token is read at flush too. No database work before either
// answer. HEAD is served too, since scanners use it (and are recorded as such).
import { linkTargetOf, MAX_OPEN_TOKEN_CHARS, MAX_TOKEN_CHARS, PIXEL_HEADERS, TRANSPARENT_GIF, type TrackingKeyring, type TrackingTokenKind } from '@reply-sync/tracking';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { publicRoute } from '../access';
import { ApiProblem } from '../problem';
import { MAX_AGENT, type TrackerHit, type TrackingRecorder } from '../tracker/tracking-recorder';

export interface TrackerDeps {
  /** TRACKING_KEYS; null: no token verifies (the pixel still answers, every link 404s). */
  keys: TrackingKeyring | null;
  recorder: TrackingRecorder | null;
}

const TokenParams = Type.Object({ token: Type.String({ maxLength: MAX_TOKEN_CHARS, description: 'A tracking token (base64url) from a tracked email.' }) });

function hitOf(request: FastifyRequest<{ Params: { token: string } }>, kind: TrackingTokenKind): TrackerHit {
  const agent = request.headers['user-agent'] ?? '';
  return { kind, token: request.params.token, method: request.method === 'HEAD' ? 'HEAD' : 'GET', at: Date.now(), ip: request.ip, userAgent: agent.length > MAX_AGENT ? agent.slice(0, MAX_AGENT) : agent };
}

/** @fastify/swagger leaves HEAD routes out unless told; these are served on purpose (scanners send HEAD). */
const withHeadDocumented = <T extends { config: object }>(options: T): T => ({ ...options, config: { ...options.config, swagger: { exposeHeadRoute: true } } });

/**
 * Off for these two routes (measured: bench `tracker`): helmet (which rebuilds its CSP and ~12 headers per
 * request, for an image and a bodiless 302) and the rate limiter (which counts API keys; these carry none).
 * What of helmet matters here is set by hand: nosniff on the GIF, no-referrer on the redirect.
 */
const hotPath = { helmet: false as const, config: { access: 'public' as const, rateLimit: false as const } };

export const trackerRoutes: FastifyPluginAsync<TrackerDeps> = async (app, deps) => {

  const pixel = {
    ...publicRoute(),
    ...hotPath,
    // Thousands a second: no two info lines per request (errors are still logged, the URL redacted).
    logLevel: 'warn' as const,
    schema: {
      summary: 'Open pixel (public: no key; called by mail clients)',
      description: 'Answers a 43-byte transparent GIF with no-cache headers whatever the token; a valid open token records an open, classified as a person or a machine.',
      tags: ['tracking'],
      params: TokenParams,
    },
  };
  const onPixel = async (request: FastifyRequest<{ Params: { token: string } }>, reply: import('fastify').FastifyReply) => {
    // No token longer than an open token can be is kept waiting (the route allows a click token's length).
    if (deps.keys && request.params.token.length <= MAX_OPEN_TOKEN_CHARS) deps.recorder?.record(hitOf(request, 'open'));
    return reply.headers(PIXEL_HEADERS).send(TRANSPARENT_GIF);
  };
  app.get('/t/o/:token.gif', pixel, onPixel);
  app.head('/t/o/:token.gif', withHeadDocumented(pixel), onPixel);

  const click = {
    ...publicRoute(),
    ...hotPath,
    logLevel: 'warn' as const,
    schema: {
      summary: 'Tracked link (public: no key; called by browsers)',
      description: "Redirects (302) to the link the signed token carries and records a click; a token we did not sign, or changed, answers 404 and records nothing, so this is no open redirect.",
      tags: ['tracking'],
      params: TokenParams,
    },
  };
  const onClick = async (request: FastifyRequest<{ Params: { token: string } }>, reply: import('fastify').FastifyReply) => {
    const target = deps.keys ? linkTargetOf(deps.keys, request.params.token) : null;
    if (target === null) {
      throw new ApiProblem(404, 'tracking_link_invalid', 'This link is not valid: it was changed or has expired. Use the link in the original email.');
    }
    deps.recorder?.record(hitOf(request, 'click'));
    // no-referrer: the target never sees the token (and so the recipient's address) in Referer.
    return reply.code(302).headers({ location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).send();
  };
  app.get('/t/c/:token', click, onClick);
  app.head('/t/c/:token', withHeadDocumented(click), onClick);
};
