// ioredis connections with the options BullMQ needs, made from a redis:// or rediss:// URL: a Redis for a
// single server, a Cluster for a URL with cluster=true (see redis-url.ts).
import { Cluster, Redis } from 'ioredis';
import { redisUrlParts } from './redis-url';

/**
 * Either kind of connection. BullMQ's Queue, Worker and QueueEvents take both; plain commands (SET, GET,
 * EVAL on keys of one slot) read the same on both.
 */
export type RedisConnection = Redis | Cluster;

export interface RedisConnectionOptions {
  /**
   * A Worker blocks on Redis (BZPOPMIN) and must keep retrying through a Redis restart rather
   * than fail its commands: BullMQ refuses a worker connection unless maxRetriesPerRequest is null.
   * A producer (Queue) instead fails a command after a few retries, so the caller sees the error
   * (the scheduler logs it and retries at the next reconcile) instead of hanging.
   */
  forWorker: boolean;
  /** Shown by CLIENT LIST; helps tell schedulers and workers apart. */
  connectionName?: string;
}

// Reconnect forever with a capped backoff: a Redis restart (or a cluster losing its map) must not end the process.
const retryStrategy = (times: number): number => Math.min(200 * 2 ** Math.min(times, 10), 5_000);

/**
 * While a cluster's primary fails over, a command meets a closed node connection, CLUSTERDOWN, or MOVED
 * between nodes whose maps disagree for a moment; ioredis retries it after a delay, at most
 * maxRedirections times. A worker's commands (finishing a job, renewing its lock) must outlast a failover
 * (the node timeout, 15 s by default and 3 s on the local stack, plus the election): a job whose finish
 * failed stays active until its lock expires and then runs again. So ~30 s of retries for a worker; a
 * producer's command fails after ~3 s, as on a single server, and the caller sees it.
 */
const CLUSTER_RETRY_DELAY_MS = 200;
function clusterRetries(forWorker: boolean) {
  return {
    maxRedirections: forWorker ? 150 : 16,
    retryDelayOnFailover: CLUSTER_RETRY_DELAY_MS,
    retryDelayOnClusterDown: CLUSTER_RETRY_DELAY_MS,
    retryDelayOnTryAgain: CLUSTER_RETRY_DELAY_MS,
    // A MOVED answered at once can bounce between two nodes until both see the new primary.
    retryDelayOnMoved: 50,
  };
}

export function createRedisConnection(redisUrl: string, options: RedisConnectionOptions): RedisConnection {
  const { url, tls, cluster } = redisUrlParts(redisUrl);
  const common = {
    ...(tls ? { tls } : {}),
    maxRetriesPerRequest: options.forWorker ? null : 3,
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  };
  if (!cluster) return new Redis(url, { ...common, retryStrategy });
  return new Cluster(cluster.seeds, {
    clusterRetryStrategy: retryStrategy,
    ...clusterRetries(options.forWorker),
    // ioredis turns node names into addresses before connecting by default; with TLS the certificate is
    // checked against the name, so keep it (what ioredis documents for TLS clusters such as ElastiCache).
    ...(tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    // Every node connection: the URL's credentials, TLS, and (BullMQ checks it here) maxRetriesPerRequest.
    redisOptions: { ...common, ...(cluster.username ? { username: cluster.username } : {}), ...(cluster.password ? { password: cluster.password } : {}) },
  });
}

/**
 * A queue made from a URL opened its own connection, which BullMQ does not close (it never closes a
 * client it was handed): make the queue's close() quit it too. A connection the caller passed in
 * stays the caller's.
 */
export function closeOwnConnectionWithQueue<Q extends { close(): Promise<void> }>(queue: Q, connection: RedisConnection, owned: boolean): Q {
  if (!owned) return queue;
  const close = queue.close.bind(queue);
  queue.close = async () => {
    await close();
    await closeRedisConnection(connection);
  };
  return queue;
}

/**
 * QUIT when Redis is there (a clean goodbye), else just drop the socket: a QUIT queued for a Redis (or a
 * Cluster node) that is away never returns, so it gets `quitMs` and the socket is dropped after that.
 */
export async function closeRedisConnection(connection: Pick<RedisConnection, 'status' | 'quit' | 'disconnect'>, quitMs = 2_000): Promise<void> {
  if (connection.status !== 'ready') return connection.disconnect();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to QUIT within ${quitMs} ms`)), quitMs);
  });
  try {
    await Promise.race([connection.quit(), late]);
  } catch {
    connection.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
