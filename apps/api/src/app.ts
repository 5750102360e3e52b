// The HTTP API as a Fastify instance: plugins (security headers, CORS, rate limit, the OpenAPI document
// and its reference page), the access and idempotency rules, the problem+json error handler, and one
// plugin per resource under routes/. server.ts only listens. Tests build it and call inject().
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '@reply-sync/db';
import type { RedisConnection } from '@reply-sync/queue';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { enforceAccess, SECURITY_SCHEME, type DeclaredRoute } from './access';
import { createAuthenticator } from './authenticate';
import type { ApiEnv } from './env';
import { enforceIdempotency } from './idempotency';
import { apiLogOptions } from './log-options';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, problemOf, ApiProblem } from './problem';
import { registerRoutes, type RouteDeps } from './routes/index';
import { consolePlugin } from './console/console-plugin';
import type { LookLoginBudget } from '@reply-sync/operations/look-for-message';
import { loadIpRanges, MAX_TOKEN_CHARS, SHIPPED_SCANNER_RANGES, type IpRanges, type TrackingKeyring } from '@reply-sync/tracking';
import { createTrackingRecorder, type TrackingRecorder } from './tracker/tracking-recorder';
import { createLiveActivityHub, type LiveActivityHub } from './tracker/live-activity-hub';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the API with its access, in registration order. */
    declaredRoutes: DeclaredRoute[];
    /** The tracker's batch writer; null when tracking is off. Flushed when the app closes. */
    trackingRecorder: TrackingRecorder | null;
    /** This process's LISTEN for live opens and clicks (GET /v1/activity/stream); null when off. */
    liveActivity: LiveActivityHub | null;
  }
}

export const API_VERSION = '0.1.0';
export const DOCS_PREFIX = '/docs';

export interface AppDeps extends Omit<RouteDeps, 'db' | 'tracker' | 'activity'> {
  /** Live activity (one LISTEN connection on this URL); null or absent: GET /v1/activity/stream answers 503. */
  live?: { databaseUrl: string; maxStreamsPerAccount?: number; keepAliveMs?: number } | null;
  /** Open and click tracking (TRACKING_KEYS, Apple's and the scanners' ranges, the shipped scanners' list when absent); null or absent: off (pixel served, links 404). */
  tracking?: { keys: TrackingKeyring; appleRanges: IpRanges; scannerRanges?: IpRanges; flushIntervalMs?: number } | null;
  db: Db;
  /** The rate limit's store, shared by every API process; null keeps counts in this process (tests only). */
  redis: RedisConnection | null;
  env: Pick<ApiEnv, 'API_BODY_LIMIT' | 'API_RATE_LIMIT' | 'corsOrigins' | 'LOG_LEVEL'>;
  /** Console sign-in attempts per minute per client address (default 10). */
  consoleLoginAttemptsPerMinute?: number;
  /** How long a verified API key is trusted without reading its row again (default API_KEY_TRUSTED_MS). */
  apiKeyTrustedMs?: number;
  /** Where log lines go (default stdout); tests capture them. */
  logStream?: DestinationStream;
}


export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: apiLogOptions(deps.env.LOG_LEVEL, deps.logStream),
    bodyLimit: deps.env.API_BODY_LIMIT,
    exposeHeadRoutes: false,
    // A tracked link's token carries its target URL: longer than the router's default 100-character parameter.
    routerOptions: { maxParamLength: MAX_TOKEN_CHARS + '.gif'.length },
    // A request id the client can quote to support; not derived from anything the client sent.
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ProblemSchema);

  app.setErrorHandler((error, request, reply) => {
    const { problem, unexpected } = problemOf(error);
    if (unexpected) request.log.error({ err: error }, 'request failed');
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="reply-sync"');
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const { problem } = problemOf(new ApiProblem(404, 'route_not_found', `There is no ${request.method} ${request.url.split('?')[0]}; the routes are listed at ${DOCS_PREFIX} and /openapi.json.`));
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  // The reference page loads only its own files from @fastify/swagger-ui: helmet's CSP (default-src 'self') holds it to that.
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"] } },
  });
  if (deps.env.corsOrigins.length > 0) await app.register(cors, { origin: deps.env.corsOrigins, exposedHeaders: ['idempotent-replayed', 'retry-after'] });

  const authenticate = createAuthenticator(deps.db, app.log, deps.apiKeyTrustedMs);
  await app.register(rateLimit, {
    max: deps.env.API_RATE_LIMIT,
    timeWindow: 60_000,
    // After authentication (onRequest), so the count is per key. Requests without a key reach this hook
    // only on the public routes (the document, the reference page's files, the health check): not counted.
    hook: 'preParsing',
    allowList: (request) => !request.auth,
    keyGenerator: (request) => (request.auth ? `key:${request.auth.key.id}` : 'public'),
    ...(deps.redis ? { redis: deps.redis as never, nameSpace: 'reply-sync:api-rate:' } : {}),
    // Redis unreachable: serve without counting (and the log says so) rather than fail every request.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => new ApiProblem(429, 'rate_limited', `This API key made more than ${context.max} requests in a minute. Wait ${Math.ceil(context.ttl / 1000)} s (Retry-After), then try again.`),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'reply-sync API',
        version: API_VERSION,
        description:
          "Inboxes, their status and decisions, contacts, companies, deals, timelines and emails of one account: the account of the API key. Errors are RFC 9457 problem+json with our `code` and a sentence. Lists are paged with `limit` and an opaque `cursor`. POSTs honour `Idempotency-Key`. Another account's ids answer 404, as missing ones do.",
      },
      components: {
        securitySchemes: {
          [SECURITY_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key from `reply-sync api-key create --account ID --scopes read,write|support`. Scopes: read (everything, bodies included), write (create and change), support (statuses, history, decisions, explain; never bodies).',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  // Registered (and loaded, by the await) before the access rule: its own routes are the page's files.
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { validatorUrl: null as unknown as string, deepLinking: true }, staticCSP: true });

  app.decorate('declaredRoutes', enforceAccess(app, authenticate));
  enforceIdempotency(app);
  const recorder = deps.tracking ? createTrackingRecorder({ db: deps.db, keys: deps.tracking.keys, appleRanges: deps.tracking.appleRanges, scannerRanges: deps.tracking.scannerRanges ?? loadIpRanges(SHIPPED_SCANNER_RANGES), log: app.log, flushIntervalMs: deps.tracking.flushIntervalMs }) : null;
  app.decorate('trackingRecorder', recorder);
  app.addHook('onClose', async () => recorder?.close());
  const live = deps.live ? createLiveActivityHub({ db: deps.db, databaseUrl: deps.live.databaseUrl, log: app.log, maxStreamsPerAccount: deps.live.maxStreamsPerAccount }) : null;
  app.decorate('liveActivity', live);
  // Before the server closes: open streams end, so close() does not wait for their clients.
  app.addHook('preClose', async () => live?.close());
  await app.register(registerRoutes, { ...deps, db: deps.db, tracker: { keys: deps.tracking?.keys ?? null, recorder }, activity: { live, keepAliveMs: deps.live?.keepAliveMs } });
  // The support console's pages (HTML, session cookie), beside the API in the same process.
  await app.register(consolePlugin, { prefix: '/console', db: deps.db, encryptionKeys: deps.encryptionKeys, tlsCa: deps.tlsCa, loginAttemptsPerMinute: deps.consoleLoginAttemptsPerMinute, lookBudget: deps.lookBudget, webSignIn: deps.webSignIn ?? null, allowPrivateWebhooks: deps.allowPrivateWebhooks, live, forgetApiKey: (keyId: string) => authenticate.forgetKey(keyId) });
  return app;
}
