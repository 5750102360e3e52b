// REDIS_URL as operators write it: redis:// or rediss:// (TLS), with the password in the URL, and for a
// server with a private certificate `?ssl_ca_certs=/path/ca.pem` (redis-py's name for the same thing).
// A Redis Cluster is the same URL with `cluster=true`, and more seed nodes as `addr=host:port` (go-redis's
// cluster URL): redis://:password@10.0.0.1:6379?cluster=true&addr=10.0.0.2:6379&addr=10.0.0.3:6379.
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

export interface RedisNode {
  host: string;
  port: number;
}

/** What a cluster client needs: where to ask for the map of the cluster, and how every node is logged into. */
export interface RedisClusterParts {
  /** The URL's host first, then each addr= in order; any one that answers gives the client the whole map. */
  seeds: RedisNode[];
  username?: string;
  password?: string;
}

export interface RedisUrlParts {
  /** The URL without the parameters handled here. */
  url: string;
  /** TLS options for rediss:// (certificate and name checked), undefined for redis://. */
  tls?: RedisOptions['tls'];
  /** Set when the URL says cluster=true. */
  cluster?: RedisClusterParts;
}

const CLUSTER_PARAMS = new Set(['cluster', 'addr', 'ssl_ca_certs']);
const HOST_PORT = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/;

function parseUrl(redisUrl: string): URL {
  try {
    return new URL(redisUrl);
  } catch {
    throw new RedisUrlError('REDIS_URL is not a URL; write it as redis://:password@host:6379 (or rediss:// for TLS).');
  }
}

const unbracket = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

function isCluster(url: URL): boolean {
  const value = url.searchParams.get('cluster');
  if (value === null || /^(false|0)$/i.test(value)) return false;
  if (/^(true|1)$/i.test(value)) return true;
  throw new RedisUrlError(`REDIS_URL has cluster=${value}; write cluster=true for a Redis Cluster, or leave it out for a single server.`);
}

function seedNode(value: string): RedisNode {
  const m = HOST_PORT.exec(value);
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port >= 1 && port <= 65535)) {
    throw new RedisUrlError(`REDIS_URL has addr=${value}; write each further seed node of the cluster as addr=host:port.`);
  }
  return { host: unbracket(m[1]), port };
}

function clusterParts(url: URL): RedisClusterParts {
  for (const name of new Set(url.searchParams.keys())) {
    if (!CLUSTER_PARAMS.has(name)) {
      throw new RedisUrlError(`REDIS_URL has ${name}=, which a cluster URL does not take (it takes cluster, addr and ssl_ca_certs).`);
    }
  }
  if (!/^\/?0?$/.test(url.pathname)) {
    throw new RedisUrlError(`REDIS_URL names the database ${url.pathname.slice(1)}; a Redis Cluster has only database 0, so leave the path out.`);
  }
  const seeds = [{ host: unbracket(url.hostname) || 'localhost', port: Number(url.port || 6379) }, ...url.searchParams.getAll('addr').map(seedNode)];
  return {
    seeds,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

function readCa(caFile: string): string {
  try {
    return readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new RedisUrlError(
      `REDIS_URL's ssl_ca_certs=${caFile} cannot be read (${error instanceof Error ? error.message : String(error)}); point it at a PEM file.`,
    );
  }
}

export function redisUrlParts(redisUrl: string): RedisUrlParts {
  const url = parseUrl(redisUrl);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RedisUrlError(`REDIS_URL starts with ${url.protocol}//; use redis:// or rediss:// (TLS).`);
  }
  const cluster = isCluster(url) ? clusterParts(url) : undefined;
  if (!cluster && url.searchParams.has('addr')) {
    throw new RedisUrlError('REDIS_URL names more seed nodes (addr=), which only a Redis Cluster has; add cluster=true, or leave addr out.');
  }
  const caFile = url.searchParams.get('ssl_ca_certs');
  if (caFile && url.protocol !== 'rediss:') {
    throw new RedisUrlError('REDIS_URL names ssl_ca_certs but is not rediss://; use rediss:// to connect with TLS.');
  }
  for (const name of ['ssl_ca_certs', 'cluster', 'addr']) url.searchParams.delete(name);
  const clean = url.toString();
  const parts: RedisUrlParts = { url: clean, ...(cluster ? { cluster } : {}) };
  if (url.protocol !== 'rediss:') return parts;
  const ca = caFile ? readCa(caFile) : undefined;
  // A single server is checked against the URL's host name. Each node of a cluster is checked against the
  // address the cluster gives for it (its certificate must name it), so no fixed name there.
  const servername = cluster ? {} : { servername: unbracket(url.hostname) };
  return { ...parts, tls: { rejectUnauthorized: true, ...servername, ...(ca ? { ca } : {}) } };
}

/**
 * A sentence when REDIS_URL points off this machine without a password; null when it is fine. Whoever
 * reaches an open Redis can add, change or drop jobs. For a cluster, every seed node counts.
 */
export function unauthenticatedRedisProblem(redisUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    return null; // redisUrlParts reports it
  }
  if (url.password) return null;
  const hosts = [url.hostname || 'localhost', ...url.searchParams.getAll('addr').map((addr) => HOST_PORT.exec(addr)?.[1] ?? addr)];
  const host = hosts.find((h) => !isLoopbackHost(h));
  if (host === undefined) return null;
  return (
    `REDIS_URL points at ${host}, which is not this machine, without a password: put it in the URL ` +
    `(redis://:password@${host}:6379, or redis://user:password@… with ACL users). ` +
    `If that server authenticates clients another way, set REPLY_SYNC_ALLOW_UNAUTHENTICATED=true.`
  );
}
