// Idempotency-Key on every creating POST: the first request with a key runs and its response (status and
// body, errors included) is kept 24 hours; the same key with the same request gets that response again,
// marked `Idempotent-Replayed: true`, and runs nothing. Like access, it is attached by an onRoute hook to
// every POST of a scoped route, so no creating route can forget it.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler, RouteOptions } from 'fastify';
import { Type } from 'typebox';
import { accessOf } from './access';
import { authOf } from './authenticate';
import { ApiProblem } from './problem';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
}

const claim: preHandlerHookHandler = async (request: FastifyRequest, reply: FastifyReply) => {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (key === undefined) return;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiProblem(400, 'invalid_idempotency_key', 'The Idempotency-Key header must be 1 to 255 visible ASCII characters (a UUID is a good choice), sent once.');
  }
  const { scope } = authOf(request);
  const result = await scope.idempotencyKeys.claim(key, requestHash(request));
  switch (result.state) {
    case 'claimed':
      request.idempotencyKey = key;
      return;
    case 'mismatch':
      throw new ApiProblem(422, 'idempotency_key_reused', `The Idempotency-Key ${key} was used with another request in the last 24 hours. Use a new key for a new request.`);
    case 'in_progress':
      throw new ApiProblem(409, 'idempotency_key_in_progress', `A request with the Idempotency-Key ${key} is still running. Wait for it, then send this again to get its response.`);
    case 'replay':
      reply.header('idempotent-replayed', 'true').code(result.status);
      if (result.status >= 400) reply.type('application/problem+json');
      return reply.send(result.body);
  }
};

const record: onSendHookHandler = async (request, reply, payload) => {
  const key = request.idempotencyKey;
  if (!key) return payload;
  request.idempotencyKey = undefined;
  const { scope } = authOf(request);
  // Our own failure (5xx) frees the key, so the client's retry runs the request again.
  if (reply.statusCode >= 500) {
    await scope.idempotencyKeys.release(key);
    return payload;
  }
  let body: unknown = null;
  try {
    body = typeof payload === 'string' && payload !== '' ? JSON.parse(payload) : null;
  } catch {
    // Not JSON (no creating route answers so today): the replay has the status and an empty body.
  }
  await scope.idempotencyKeys.complete(key, reply.statusCode, body);
  return payload;
};

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Installs the rule: every scoped POST honours Idempotency-Key (documented as a header of the route). */
export function enforceIdempotency(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = asArray(route.method);
    const access = accessOf(route);
    if (!methods.includes('POST') || !access || access === 'public' || access === 'console') return;
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const headers = (schema.headers as { properties?: Record<string, unknown> } | undefined) ?? Type.Object({});
    route.schema = {
      ...schema,
      headers: {
        ...headers,
        properties: {
          ...headers.properties,
          [IDEMPOTENCY_HEADER]: Type.String({ minLength: 1, maxLength: 255, description: 'Send the same key again (with the same body) to get the first response instead of doing it twice; kept 24 hours.' }),
        },
      },
    } as RouteOptions['schema'];
    route.preHandler = [claim, ...asArray(route.preHandler)];
    route.onSend = [...asArray(route.onSend), record];
  });
}
