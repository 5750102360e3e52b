// The one check every app runs on its DATABASE_URL and REDIS_URL before it connects: the URLs' TLS
// parameters can be used (files readable, modes known), and a server off this machine asks for a
// password. An app pointed at an open PostgreSQL or Redis elsewhere refuses to start with a sentence.
import { postgresConnection, unauthenticatedDatabaseProblem } from '@reply-sync/db/connection';
import { redisUrlParts, unauthenticatedRedisProblem } from './redis-url';

export const ALLOW_UNAUTHENTICATED_ENV = 'REPLY_SYNC_ALLOW_UNAUTHENTICATED';

export interface ServerUrls {
  DATABASE_URL?: string | undefined;
  REDIS_URL?: string | undefined;
  PGPASSWORD?: string | undefined;
  /** `true` (or 1/yes) lets a remote server without a password pass: it authenticates another way. */
  REPLY_SYNC_ALLOW_UNAUTHENTICATED?: string | undefined;
}

/** Sentences saying what is wrong with the URLs given (empty when nothing is). */
export function serverUrlProblems(env: ServerUrls): string[] {
  const problems: string[] = [];
  const allowUnauthenticated = /^(true|1|yes)$/i.test(env.REPLY_SYNC_ALLOW_UNAUTHENTICATED ?? '');
  if (env.DATABASE_URL) {
    try {
      postgresConnection(env.DATABASE_URL);
    } catch (error) {
      problems.push((error as Error).message);
    }
    const auth = allowUnauthenticated ? null : unauthenticatedDatabaseProblem(env.DATABASE_URL, { PGPASSWORD: env.PGPASSWORD });
    if (auth) problems.push(auth);
  }
  if (env.REDIS_URL) {
    try {
      redisUrlParts(env.REDIS_URL);
    } catch (error) {
      problems.push((error as Error).message);
    }
    const auth = allowUnauthenticated ? null : unauthenticatedRedisProblem(env.REDIS_URL);
    if (auth) problems.push(auth);
  }
  return problems;
}
