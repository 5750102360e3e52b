// ioredis connections with the options BullMQ needs, made from a redis:// or rediss:// URL.
import { Redis } from 'ioredis';
import { redisUrlParts } from './redis-url';

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

export function createRedisConnection(redisUrl: string, options: RedisConnectionOptions): Redis {
  const { url, tls } = redisUrlParts(redisUrl);
  return new Redis(url, {
    ...(tls ? { tls } : {}),
    maxRetriesPerRequest: options.forWorker ? null : 3,
    // Reconnect forever with a capped backoff: a Redis restart must not end the process.
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 10), 5_000),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  });
}

/**
 * A queue made from a URL opened its own connection, which BullMQ does not close (it never closes a
 * client it was handed): make the queue's close() quit it too. A connection the caller passed in
 * stays the caller's.
 */
export function closeOwnConnectionWithQueue<Q extends { close(): Promise<void> }>(queue: Q, connection: Redis, owned: boolean): Q {
  if (!owned) return queue;
  const close = queue.close.bind(queue);
  queue.close = async () => {
    await close();
    await connection.quit().catch(() => connection.disconnect());
  };
  return queue;
}
