// The tracker as its own lean Fastify instance: the two public routes (routes/tracker.ts), the health check
// and the batch recorder, nothing else. No API keys, sessions, helmet, CORS, rate limits, idempotency,
// OpenAPI or console: a pixel pays only for Fastify and the recorder, a redirect for the token's HMAC too.
// The full API (app.ts) registers the same routes too; this is what an operator points TRACKER_URL at.
import type { Db } from '@reply-sync/db';
import { MAX_TOKEN_CHARS, type IpRanges, type TrackingKeyring } from '@reply-sync/tracking';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { apiLogOptions } from '../log-options';
import { ApiProblem, PROBLEM_CONTENT_TYPE, problemOf } from '../problem';
import { trackerRoutes } from '../routes/tracker';
import { createTrackingRecorder } from './tracking-recorder';

export interface TrackerAppDeps {
  db: Db;
  keys: TrackingKeyring;
  appleRanges: IpRanges;
  scannerRanges: IpRanges;
  logLevel: string;
  /** Where log lines go (default stdout); tests capture them. */
  logStream?: DestinationStream;
  /** The recorder's batch interval (default 250 ms). */
  flushIntervalMs?: number;
}

export async function buildTrackerApp(deps: TrackerAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // The API's log options (tracker URLs redacted: a token names its recipient).
    logger: apiLogOptions(deps.logLevel, deps.logStream),
    // No line per request (thousands a second), and so no child logger per request either: one costs ~3 µs
    // with the redaction (a tenth of a pixel's whole cost in bench `tracker`). Errors are still logged, by
    // the process's logger, without a request id (a mail client never sees one to quote).
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: MAX_TOKEN_CHARS + '.gif'.length },
    // Nothing is read from a body here.
    bodyLimit: 1024,
  });
  // The token check is the validation (verifyTrackingToken reads the token defensively, and the router refuses
  // parameters longer than a token can be): the routes' schemas describe them for the API's OpenAPI document,
  // and are not run again here per request.
  app.setValidatorCompiler(() => () => true);
  // The same answers as the API's for what can go wrong here (a bad link's 404).
  app.setErrorHandler((error, request, reply) => {
    const { problem, unexpected } = problemOf(error);
    if (unexpected) request.log.error({ err: error }, 'request failed');
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const { problem } = problemOf(new ApiProblem(404, 'route_not_found', `There is no ${request.method} ${request.url.split('?')[0]} on the tracker: it serves only /t/o/<token>.gif and /t/c/<token>.`));
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
  const recorder = createTrackingRecorder({ db: deps.db, keys: deps.keys, appleRanges: deps.appleRanges, scannerRanges: deps.scannerRanges, log: app.log, flushIntervalMs: deps.flushIntervalMs });
  app.decorate('trackingRecorder', recorder);
  app.addHook('onClose', async () => recorder.close());
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ ok: true }));
  await app.register(trackerRoutes, { keys: deps.keys, recorder });
  return app;
}
