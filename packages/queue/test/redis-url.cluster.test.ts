// REDIS_URL naming a Redis Cluster: redis:// (or rediss://) with cluster=true and further seed nodes as
// addr=host:port. It connects to the stack's real cluster (plain and TLS with ssl_ca_certs), says what is
// wrong with a URL a cluster cannot take, and still refuses a remote cluster without a password.
import { Cluster, Redis } from 'ioredis';
import { stack, uniqueName, waitFor, withTopologyLock } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection, redisUrlParts, serverUrlProblems, unauthenticatedRedisProblem, type RedisConnection } from '../src/index';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
});

function connect(url: string, forWorker = false): RedisConnection {
  const redis = createRedisConnection(url, { forWorker });
  redis.on('error', () => undefined);
  closers.push(async () => redis.disconnect());
  return redis;
}

function clusterTlsUrl(): string {
  const url = process.env.STACK_REDIS_CLUSTER_TLS_URL;
  if (!url) throw new Error('STACK_REDIS_CLUSTER_TLS_URL is not set: start the stack (npm run stack -- start) and source .stack/env');
  return `${url}&ssl_ca_certs=${encodeURIComponent(stack.caCertPath)}`;
}

/** Keys on slots of every primary: written through the client, read back from the node that owns each. */
/**
 * How many primaries the client reaches: one key in each of the three slot ranges the stack's cluster
 * splits 16,384 slots into, written and read through the client. Under the cluster's topology lock, so
 * no other test's failover is half-done meanwhile.
 */
async function spansPrimaries(redis: RedisConnection): Promise<number> {
  expect(redis).toBeInstanceOf(Cluster);
  const cluster = redis as Cluster;
  return withTopologyLock(async () => {
    await waitFor(async () => /cluster_state:ok/.test(String(await cluster.call('CLUSTER', 'INFO'))), { what: 'the cluster whole' });
    const ranges: [number, number][] = [[0, 5460], [5461, 10922], [10923, 16383]];
    const owners = new Set<string>();
    for (const [from, to] of ranges) {
      let key = '';
      let slot = -1;
      for (let i = 0; !(slot >= from && slot <= to); i++) {
        key = `{${uniqueName(`k${i}`)}}`;
        slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
      }
      await cluster.set(key, 'v', 'EX', 60);
      expect(await cluster.get(key)).toBe('v');
      const owner = cluster.slots[slot]?.[0];
      if (owner) owners.add(owner);
    }
    return owners.size;
  });
}

describe('a cluster REDIS_URL', () => {
  it('connects to every primary of the stack cluster from the seeds, with the password of the URL', async () => {
    const redis = connect(stack.redisClusterUrl);
    expect(await spansPrimaries(redis)).toBe(3);
  });

  it('rediss:// with ssl_ca_certs reaches the nodes over TLS, each checked against the certificate', async () => {
    const redis = connect(clusterTlsUrl());
    expect(await spansPrimaries(redis)).toBe(3);
    // The map the cluster hands a TLS client names the TLS ports (the stack's are above the plain ones).
    const firstTlsPort = Number(new URL(clusterTlsUrl()).port);
    const ports = (redis as Cluster).nodes('master').map((n) => n.options.port ?? 0);
    expect(ports).toHaveLength(3);
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(firstTlsPort);
  });

  it('without the CA a TLS cluster is refused, and without the password it is never ready', async () => {
    const reasons = async (url: string): Promise<string> => {
      const redis = createRedisConnection(url, { forWorker: false });
      closers.push(async () => redis.disconnect());
      const seen: string[] = [];
      redis.on('error', (error: Error & { lastNodeError?: Error }) => seen.push(`${error.message} ${error.lastNodeError?.message ?? ''}`));
      await waitFor(() => seen.length > 0, { what: 'the cluster client to report why it cannot connect' });
      expect(redis.status).not.toBe('ready');
      return seen.join('\n');
    };
    // ioredis reports the refused certificate only as a closed connection; with the CA the same URL connects (above).
    expect(await reasons(clusterTlsUrl().replace(/&ssl_ca_certs=.*$/, ''))).toMatch(/Failed to refresh slots cache\. Connection is closed/);
    const url = new URL(stack.redisClusterUrl);
    url.password = '';
    expect(await reasons(url.toString())).toMatch(/NOAUTH/);
  });

  it('gives BullMQ worker connections maxRetriesPerRequest null on every node', () => {
    const worker = connect(stack.redisClusterUrl, true) as Cluster;
    expect(worker.options.redisOptions?.maxRetriesPerRequest).toBeNull();
    const producer = connect(stack.redisClusterUrl) as Cluster;
    expect(producer.options.redisOptions?.maxRetriesPerRequest).toBe(3);
    expect(connect(stack.redisUrl)).toBeInstanceOf(Redis);
  });

  it('reads the seeds, credentials and TLS options of the URL', () => {
    const parts = redisUrlParts('rediss://app:s%40cret@10.0.0.1:6380?cluster=true&addr=10.0.0.2:6381&addr=[fd00::3]:6382&ssl_ca_certs=/etc/hostname');
    expect(parts.cluster).toEqual({
      seeds: [
        { host: '10.0.0.1', port: 6380 },
        { host: '10.0.0.2', port: 6381 },
        { host: 'fd00::3', port: 6382 },
      ],
      username: 'app',
      password: 's@cret',
    });
    // Each node is checked against its own address, not the first seed's name.
    expect(parts.tls).toMatchObject({ rejectUnauthorized: true });
    expect(parts.tls).not.toHaveProperty('servername');
    expect(redisUrlParts('redis://:p@h:6379?cluster=false').cluster).toBeUndefined();
    expect(redisUrlParts('redis://:p@h?cluster=1').cluster?.seeds).toEqual([{ host: 'h', port: 6379 }]);
  });

  it('says what to fix in a URL a cluster cannot take', () => {
    const problem = (url: string) => () => redisUrlParts(url);
    expect(problem('redis://:p@h:6379?cluster=yes-please')).toThrow(/cluster=yes-please; write cluster=true/);
    expect(problem('redis://:p@h:6379?addr=h2:6379')).toThrow(/only a Redis Cluster has; add cluster=true/);
    expect(problem('redis://:p@h:6379?cluster=true&addr=h2')).toThrow(/addr=h2; write each further seed node/);
    expect(problem('redis://:p@h:6379?cluster=true&addr=h2:99999')).toThrow(/addr=h2:99999/);
    expect(problem('redis://:p@h:6379/2?cluster=true')).toThrow(/database 2; a Redis Cluster has only database 0/);
    expect(problem('redis://:p@h:6379?cluster=true&family=6')).toThrow(/family=, which a cluster URL does not take/);
    expect(problem('redis://:p@h:6379?cluster=true&ssl_ca_certs=/etc/hostname')).toThrow(/is not rediss:\/\//);
    expect(redisUrlParts('redis://:p@h:6379/0?cluster=true').cluster).toBeDefined();
  });

  it('a remote cluster without a password is refused, whichever seed is remote', () => {
    expect(unauthenticatedRedisProblem('redis://127.0.0.1:7000?cluster=true&addr=127.0.0.1:7001')).toBeNull();
    expect(unauthenticatedRedisProblem('redis://127.0.0.1:7000?cluster=true&addr=10.0.0.2:7001')).toMatch(/points at 10\.0\.0\.2, which is not this machine/);
    expect(unauthenticatedRedisProblem('redis://:secret@10.0.0.1:7000?cluster=true&addr=10.0.0.2:7001')).toBeNull();
    expect(serverUrlProblems({ REDIS_URL: stack.redisClusterUrl })).toEqual([]);
    expect(serverUrlProblems({ REDIS_URL: 'redis://10.0.0.1:7000?cluster=maybe' })).toEqual([
      expect.stringMatching(/cluster=maybe/),
      expect.stringMatching(/without a password/),
    ]);
  });
});
