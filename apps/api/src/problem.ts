// Errors as RFC 9457 problem+json: our code (reason, disconnect and request codes), the sentence a user can
// act on as `detail`, and a server's own words as `serverText`. Every error the API answers goes through
// problemOf(), so a route throws OperationError / ApiProblem (or lets a package's error through) and never
// writes an error body itself.
import { OperationError } from '@reply-sync/operations/operation-error';
import { toOperationError } from '@reply-sync/operations/to-operation-error';
import { Type, type Static } from 'typebox';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI reference naming the problem: `/problems/<code>`.' }),
    title: Type.String({ description: "The HTTP status's text." }),
    status: Type.Integer(),
    code: Type.String({ description: 'Our code (e.g. `invalid_request`, `inbox_not_found`, a disconnect reason): what scripts switch on.' }),
    detail: Type.String({ description: 'A sentence saying what happened and what to do.' }),
    serverText: Type.Optional(Type.String({ description: "A mail or OAuth server's own words, for support." })),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), { description: 'invalid_request: each part of the request that is wrong.' })),
  },
  { $id: 'Problem', title: 'Problem' },
);
export type Problem = Static<typeof ProblemSchema>;

/** An error the API itself raises, with its HTTP status. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    sentence: string,
    readonly extra: Pick<Problem, 'errors' | 'serverText'> = {},
  ) {
    super(sentence);
  }
}

/** The HTTP status of an operation's code: a missing thing 404, a conflict 409, a refused request 422. */
function statusOfCode(code: string): number {
  if (code === 'not_found' || code === 'not_in_account' || code.endsWith('_not_found')) return 404;
  if (code.endsWith('_exists')) return 409;
  if (code.startsWith('invalid_') || code === 'owner_required') return 400;
  if (code === 'unexpected') return 500;
  if (code === 'email_too_large') return 413;
  if (code === 'oauth_unreachable' || code.endsWith('_unreachable') || code === 'connect_transient') return 502;
  return 422;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};

function problem(status: number, code: string, detail: string, extra: Pick<Problem, 'errors' | 'serverText'> = {}): Problem {
  return { type: `/problems/${code}`, title: STATUS_TEXT[status] ?? 'Error', status, code, detail, ...extra };
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
  message: string;
}

/** Fastify's own errors (validation, body too large, bad JSON, unsupported media type, rate limit). */
function fromFastify(error: FastifyLikeError): Problem | null {
  if (error.validation) {
    const errors = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath ?? ''}${v.params && typeof v.params.missingProperty === 'string' ? `/${v.params.missingProperty}` : ''}`,
      message: v.message ?? 'is invalid',
    }));
    return problem(400, 'invalid_request', `The request is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}. Fix it and send it again (the reference is at /docs).`, { errors });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'body_too_large', 'The request body is larger than this API accepts (API_BODY_LIMIT). Send a smaller body.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'unsupported_media_type', 'The request body must be JSON: send it with Content-Type: application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'invalid_json', 'The request body is not valid JSON. Send a JSON object.');
  }
  if (error.statusCode === 429) return problem(429, 'rate_limited', `Too many requests with this API key: ${error.message} Wait, then try again (Retry-After says how long).`);
  if (error instanceof SyntaxError && (error as FastifyLikeError).statusCode === 400) return problem(400, 'invalid_json', 'The request body is not valid JSON. Send a JSON object.');
  return null;
}

/** Any thrown value as the problem the API answers, and whether it is our fault (logged as an error). */
export function problemOf(error: unknown): { problem: Problem; unexpected: boolean } {
  if (error instanceof ApiProblem) return { problem: problem(error.status, error.code, error.message, error.extra), unexpected: false };
  if (!(error instanceof OperationError) && error instanceof Error) {
    const fastify = fromFastify(error as FastifyLikeError);
    if (fastify) return { problem: fastify, unexpected: false };
  }
  const op = toOperationError(error);
  const status = statusOfCode(op.code);
  if (status === 500) {
    // Never a thrown message to the client: it may quote SQL or a server's internals.
    return { problem: problem(500, 'unexpected', 'Something went wrong on our side; nothing you sent caused it. Try again, and tell support if it keeps happening.'), unexpected: true };
  }
  // The sentence with its next step as an API route (the message has it as a CLI command).
  return { problem: problem(status, op.code, op.sentenceFor('api'), op.detail ? { serverText: op.detail } : {}), unexpected: false };
}

/** A 404 in the words of a missing row, for an id of another account as much as for one that never existed. */
export function notFound(what: string, id: string): ApiProblem {
  return new ApiProblem(404, `${what.replace(/ /g, '_')}_not_found`, `There is no ${what} ${id} in this account.`);
}
