// An inbound process: the SMTP receiver and (unless INBOUND_CONCURRENCY=0) the processing worker,
// over one PostgreSQL pool and one Redis connection.
import { createDb } from '@reply-sync/db';
import { closeRedisConnection, createInboundQueue, createRedisConnection } from '@reply-sync/queue';
import { createNotifier, type Notifier } from './attachments-notice';
import type { InboundEnv } from './env';
import { startInboundWorker, type InboundWorker } from './inbound-worker';
import type { Logger } from './logger';
import { startSmtpReceiver } from './smtp-receiver';
import { createSpoolHandoff } from './spool-handoff';
import { systemResolver, type DnsResolver } from './verify-sender';

export interface RunningInbound {
  /** The SMTP port (the one chosen when INBOUND_SMTP_PORT=0). */
  port: number;
  close(): Promise<void>;
}

export interface StartInboundOptions {
  env: InboundEnv;
  logger: Logger;
  /** SPF/DKIM/DMARC look-ups; default the system's DNS (or INBOUND_DNS_SERVERS). Tests serve their own. */
  resolver?: DnsResolver;
}

export async function startInbound({ env, logger, resolver }: StartInboundOptions): Promise<RunningInbound> {
  const database = createDb(env.DATABASE_URL, { max: env.DB_POOL_MAX });
  const connection = createRedisConnection(env.REDIS_URL, { forWorker: true });
  const queue = createInboundQueue({ connection, name: env.REPLY_SYNC_INBOUND_QUEUE });
  let worker: InboundWorker | null = null;
  const handoff = env.INBOUND_CONCURRENCY > 0 ? createSpoolHandoff() : null;
  const notifier: Notifier | null = env.notify ? createNotifier({ ...env.notify, logger }) : null;
  try {
    if (env.INBOUND_CONCURRENCY > 0) {
      worker = await startInboundWorker({
        db: database.db,
        connection,
        queue,
        queueName: env.REPLY_SYNC_INBOUND_QUEUE,
        concurrency: env.INBOUND_CONCURRENCY,
        batchSize: env.INBOUND_BATCH_SIZE,
        sweepIntervalMs: env.INBOUND_SWEEP_INTERVAL_MS,
        resolver: resolver ?? systemResolver(env.dnsServers),
        mta: env.INBOUND_DOMAIN,
        logger,
        notifier,
        handoff,
      });
    }
    const receiver = await startSmtpReceiver({
      db: database.db,
      queue,
      logger,
      domain: env.INBOUND_DOMAIN,
      host: env.INBOUND_SMTP_HOST,
      port: env.INBOUND_SMTP_PORT,
      maxMessageBytes: env.INBOUND_MAX_MESSAGE_BYTES,
      tls: env.tls,
      handoff,
    });
    return {
      port: receiver.port,
      async close() {
        await receiver.close();
        await worker?.close();
        notifier?.close();
        await queue.close();
        await closeRedisConnection(connection);
        await database.close();
      },
    };
  } catch (error) {
    await worker?.close().catch(() => undefined);
    notifier?.close();
    await queue.close().catch(() => undefined);
    connection.disconnect();
    await database.close().catch(() => undefined);
    throw error;
  }
}
