// REDIS_URL as operators write it: redis:// or rediss:// (TLS), with the password in the URL, and for a
// server with a private certificate `?ssl_ca_certs=/path/ca.pem` (redis-py's name for the same thing).
// Also the rule that a remote Redis must ask for a password.
import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import { isLoopbackHost } from '@reply-sync/db/connection';

export class RedisUrlError extends Error {
  readonly code = 'redis_url_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'RedisUrlError';
  }
}

export interface RedisUrlParts {
  /** The URL without the parameters handled here. */
  url: string;
  /** TLS options for rediss:// (certificate and name checked), undefined for redis://. */
  tls?: RedisOptions['tls'];
}

export function redisUrlParts(redisUrl: string): RedisUrlParts {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    throw new RedisUrlError('REDIS_URL is not a URL; write it as redis://:password@host:6379 (or rediss:// for TLS).');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RedisUrlError(`REDIS_URL starts with ${url.protocol}//; use redis:// or rediss:// (TLS).`);
  }
  const caFile = url.searchParams.get('ssl_ca_certs');
  url.searchParams.delete('ssl_ca_certs');
  if (caFile && url.protocol !== 'rediss:') {
    throw new RedisUrlError('REDIS_URL names ssl_ca_certs but is not rediss://; use rediss:// to connect with TLS.');
  }
  const clean = url.toString();
  if (url.protocol !== 'rediss:') return { url: clean };
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new RedisUrlError(
        `REDIS_URL's ssl_ca_certs=${caFile} cannot be read (${error instanceof Error ? error.message : String(error)}); point it at a PEM file.`,
      );
    }
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { url: clean, tls: { rejectUnauthorized: true, servername: host, ...(ca ? { ca } : {}) } };
}

/**
 * A sentence when REDIS_URL points off this machine without a password; null when it is fine. Whoever
 * reaches an open Redis can add, change or drop jobs.
 */
export function unauthenticatedRedisProblem(redisUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    return null; // redisUrlParts reports it
  }
  const host = url.hostname || 'localhost';
  if (isLoopbackHost(host) || url.password) return null;
  return (
    `REDIS_URL points at ${host}, which is not this machine, without a password: put it in the URL ` +
    `(redis://:password@${host}:6379, or redis://user:password@… with ACL users). ` +
    `If that server authenticates clients another way, set REPLY_SYNC_ALLOW_UNAUTHENTICATED=true.`
  );
}
