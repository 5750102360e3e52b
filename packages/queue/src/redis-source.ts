// How a queue helper gets its Redis connection.
import type { RedisConnection as Redis } from './redis-connection';

/** Either a URL (the queue opens and closes its own connection) or a connection you own and close. */
export type RedisSource = { redisUrl: string; connection?: never } | { connection: Redis; redisUrl?: never };
