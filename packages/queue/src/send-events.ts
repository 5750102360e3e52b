// Completion events of the send queue, for a producer that waits for its send (`email send --wait`): one
// QueueEvents per shard waited on, opened when first needed, so a CLI waiting for one send listens on one
// shard, not all of them.
import { QueueEvents } from 'bullmq';
import { closeOwnConnectionWithQueue, createRedisConnection } from './redis-connection';
import { redisUrlParts } from './redis-url';
import { DEFAULT_SEND_QUEUE_NAME, type SendJob, type SendJobResult } from './send-queue';
import { SEND_SHARD_PREFIXES } from './send-shards';

export interface SendEvents {
  /** The events of the shard holding the job. */
  of(job: SendJob): Promise<QueueEvents>;
  close(): Promise<void>;
}

export async function createSendEvents(options: { redisUrl: string; name?: string }): Promise<SendEvents> {
  redisUrlParts(options.redisUrl); // a bad URL fails here, not at the first wait
  const name = options.name ?? DEFAULT_SEND_QUEUE_NAME;
  const opened = new Map<string, Promise<QueueEvents>>();

  async function open(prefix: string): Promise<QueueEvents> {
    // QueueEvents blocks on XREAD, so its connection is a worker-style one; closed with it.
    const connection = createRedisConnection(options.redisUrl, { forWorker: true });
    const events = closeOwnConnectionWithQueue(new QueueEvents(name, { connection, prefix }), connection, true);
    // QueueEvents reads on after a dropped connection or a failover's UNBLOCKED by itself; an outage that
    // lasts shows as waitForSend's timeout. Unheard, BullMQ would print each such error to stderr.
    events.on('error', () => undefined);
    await events.waitUntilReady();
    return events;
  }

  return {
    of(job) {
      const prefix = SEND_SHARD_PREFIXES.find((p) => job.queueQualifiedName === `${p}:${name}`);
      if (!prefix) throw new Error(`Job ${job.id} (${job.queueQualifiedName}) is not on a shard of the send queue ${name}.`);
      let events = opened.get(prefix);
      if (!events) {
        events = open(prefix);
        opened.set(prefix, events);
      }
      return events;
    },
    async close() {
      const all = [...opened.values()];
      opened.clear();
      await Promise.all(all.map((events) => events.then((e) => e.close()).catch(() => undefined)));
    },
  };
}

/**
 * Waits for the send to finish. Rejects with the job's failedReason (`code: sentence`) when it failed for
 * good, or with a message containing "timed out" after `timeoutMs`. Safe to call after the job was added:
 * BullMQ checks whether the job already finished once the shard's events are listening.
 */
export async function waitForSend(job: SendJob, events: SendEvents, timeoutMs: number): Promise<SendJobResult> {
  return job.waitUntilFinished(await events.of(job), timeoutMs);
}
