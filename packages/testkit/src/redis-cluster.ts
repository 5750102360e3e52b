// The stack's Redis Cluster for tests: its URL, a client on it, the map of its nodes, and the two ways a
// primary goes away in production: a failover to its replica (CLUSTER FAILOVER, what an operator or a
// managed service's maintenance does) and a crash (SIGKILL: the replica takes over once the other nodes
// notice, then the stack starts the node again and it rejoins as a replica).
import { execFile } from 'node:child_process';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { stack } from './stack-config';
import { waitFor } from './wait-for';

export interface ClusterNodeInfo {
  id: string;
  /** host:port, as the cluster announces it. */
  address: string;
  host: string;
  port: number;
  role: 'primary' | 'replica';
  /** A replica's primary. */
  primaryId: string | null;
  /** Flagged fail or fail? by the node asked. */
  failing: boolean;
  /** Slot ranges served, [first, last]. */
  slots: [number, number][];
}

export interface FailoverResult {
  slot: number;
  /** The primary that served the slot, and its replica that serves it now. */
  from: string;
  to: string;
  /** From the command until every node is in state ok and agrees that `to` serves the slot, `from` its replica. */
  ms: number;
}

export interface CrashResult {
  slot: number;
  from: string;
  to: string;
  /** From the kill until the other nodes are ok again with `to` serving the slot. */
  promotedMs: number;
  /** From the kill until the killed node runs again, a replica of `to` in sync with it, and every node is ok. */
  rejoinedMs: number;
}

export interface RedisClusterHelper {
  readonly url: string;
  /** A ready ioredis Cluster on it (closed by close()). */
  client(): Promise<Cluster>;
  keySlot(key: string): Promise<number>;
  /** The map as the first answering seed sees it. */
  nodes(): Promise<ClusterNodeInfo[]>;
  primaryOf(slotOrKey: number | string): Promise<ClusterNodeInfo>;
  /** Promotes the replica of the primary serving the slot (or key) and waits until the cluster is whole. */
  failover(slotOrKey: number | string): Promise<FailoverResult>;
  /** Kills the primary serving the slot (or key), waits for its replica to take over, starts it again. */
  killPrimary(slotOrKey: number | string): Promise<CrashResult>;
  close(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// scripts/stack.sh puts the first node on 17001 + STACK_PORT_OFFSET.
const FIRST_CLUSTER_PORT = 17001;
const WHOLE_TIMEOUT_MS = 20_000;
// A crashed primary's replica takes over after the node timeout (3 s) and an election, ~5 s on an idle
// machine; with every package's tests at once on 2 cores (CI) the gossip and the election run late
// (one took over 20 s, and on a slower day over 45 s), so a crash gets longer than a planned failover.
// Tests whose commands may meet another test's crash wait as long (packages/queue's cluster tests).
export const TAKE_OVER_AFTER_CRASH_TIMEOUT_MS = 90_000;

/** CLUSTER NODES, one node per line: id addr flags primary ping pong epoch link slot... */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [id = '', addr = '', flags = '', primary = '-', , , , , ...slotFields] = line.split(' ');
      const address = addr.split('@')[0] ?? '';
      const colon = address.lastIndexOf(':');
      const flagList = flags.split(',');
      return {
        id,
        address,
        host: address.slice(0, colon),
        port: Number(address.slice(colon + 1)),
        role: flagList.includes('master') ? ('primary' as const) : ('replica' as const),
        primaryId: primary === '-' ? null : primary,
        failing: flagList.includes('fail') || flagList.includes('fail?'),
        // "[slot->-id]" entries are slots being migrated: not served yet.
        slots: slotFields.filter((f) => !f.startsWith('[')).map((f) => {
          const [first, last = first] = f.split('-').map(Number);
          return [first!, last!] as [number, number];
        }),
      };
    });
}

const serves = (node: ClusterNodeInfo, slot: number): boolean => node.slots.some(([first, last]) => slot >= first && slot <= last);

function seedsAndAuth(url: string): { seeds: { host: string; port: number }[]; password?: string; username?: string } {
  const u = new URL(url);
  const seeds = [`${u.hostname}:${u.port || 6379}`, ...u.searchParams.getAll('addr')].map((hp) => {
    const colon = hp.lastIndexOf(':');
    return { host: hp.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(hp.slice(colon + 1)) };
  });
  return {
    seeds,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
  };
}

export function redisCluster(url: string = stack.redisClusterUrl): RedisClusterHelper {
  if (!url) {
    throw new Error(
      'STACK_REDIS_CLUSTER_URL is not set: start the stack (bash scripts/stack.sh start starts the Redis Cluster too) and source .stack/env.',
    );
  }
  const { seeds, ...auth } = seedsAndAuth(url);
  const clients: Cluster[] = [];
  const direct = new Map<string, Redis>();

  /** A command on one node; a node that went away gets a new connection next time. */
  async function onNode(address: string, ...args: [string, ...(string | number)[]]): Promise<unknown> {
    let redis = direct.get(address);
    if (!redis) {
      const colon = address.lastIndexOf(':');
      redis = new Redis({
        host: address.slice(0, colon),
        port: Number(address.slice(colon + 1)),
        ...auth,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 1_000,
      });
      redis.on('error', () => undefined);
      direct.set(address, redis);
    }
    try {
      return await redis.call(...args);
    } catch (error) {
      direct.delete(address);
      redis.disconnect();
      throw error;
    }
  }

  async function nodesFrom(address: string): Promise<ClusterNodeInfo[]> {
    return parseClusterNodes(String(await onNode(address, 'CLUSTER', 'NODES')));
  }

  /** The first seed that answers (another test may have a primary down). */
  async function onAnySeed(...args: [string, ...(string | number)[]]): Promise<unknown> {
    let lastError: unknown;
    for (const seed of seeds) {
      try {
        return await onNode(`${seed.host}:${seed.port}`, ...args);
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`No seed node of the Redis Cluster answered (${url.replace(/:[^:@/]*@/, ':***@')})`, { cause: lastError });
  }

  async function nodes(): Promise<ClusterNodeInfo[]> {
    return parseClusterNodes(String(await onAnySeed('CLUSTER', 'NODES')));
  }

  async function keySlot(key: string): Promise<number> {
    return Number(await onAnySeed('CLUSTER', 'KEYSLOT', key));
  }

  const slotOf = (slotOrKey: number | string): Promise<number> => (typeof slotOrKey === 'number' ? Promise.resolve(slotOrKey) : keySlot(slotOrKey));

  async function primaryServing(slot: number): Promise<{ primary: ClusterNodeInfo; map: ClusterNodeInfo[] }> {
    const map = await nodes();
    const primary = map.find((n) => n.role === 'primary' && !n.failing && serves(n, slot));
    if (!primary) throw new Error(`no healthy primary serves slot ${slot} in the cluster's map`);
    return { primary, map };
  }

  async function primaryAndReplica(slot: number): Promise<{ primary: ClusterNodeInfo; replica: ClusterNodeInfo; map: ClusterNodeInfo[] }> {
    const { primary, map } = await primaryServing(slot);
    const replica = map.find((n) => n.role === 'replica' && n.primaryId === primary.id && !n.failing);
    if (!replica) throw new Error(`the primary ${primary.address} of slot ${slot} has no healthy replica to hand it to`);
    return { primary, replica, map };
  }

  /**
   * Every node listed answers, is in state ok, and sees `newPrimary` serving the slot and, when given,
   * `oldPrimary` as its replica (the cluster whole again).
   */
  async function agreed(addresses: string[], slot: number, newPrimary: ClusterNodeInfo, oldPrimary?: ClusterNodeInfo): Promise<boolean> {
    const views = await Promise.all(
      addresses.map(async (address) => ({ info: String(await onNode(address, 'CLUSTER', 'INFO')), map: await nodesFrom(address) })),
    );
    return views.every(({ info, map }) => {
      const serving = map.find((n) => n.id === newPrimary.id);
      const old = oldPrimary && map.find((n) => n.id === oldPrimary.id);
      return (
        /^cluster_state:ok\r?$/m.test(info) &&
        serving?.role === 'primary' &&
        serves(serving, slot) &&
        (!oldPrimary || (old?.role === 'replica' && old.primaryId === newPrimary.id && !old.failing))
      );
    });
  }

  async function waitAgreed(
    what: string,
    addresses: string[],
    slot: number,
    newPrimary: ClusterNodeInfo,
    oldPrimary?: ClusterNodeInfo,
    timeoutMs = WHOLE_TIMEOUT_MS,
  ): Promise<void> {
    await waitFor(() => agreed(addresses, slot, newPrimary, oldPrimary), { what, timeoutMs, intervalMs: 20 });
  }

  /** A replica whose link to its primary is up and not in a full sync: it may take over (its data is current). */
  async function waitSynced(replica: ClusterNodeInfo): Promise<void> {
    await waitFor(
      async () => {
        const info = String(await onNode(replica.address, 'INFO', 'replication'));
        return /^master_link_status:up\r?$/m.test(info) && /^master_sync_in_progress:0\r?$/m.test(info);
      },
      { what: `the replica ${replica.address} to be in sync with its primary`, timeoutMs: WHOLE_TIMEOUT_MS, intervalMs: 20 },
    );
  }

  async function restartStackCluster(map: ClusterNodeInfo[]): Promise<void> {
    const offset = Math.min(...map.map((n) => n.port)) - FIRST_CLUSTER_PORT;
    await promisify(execFile)('bash', [`${repoRoot}scripts/stack.sh`, 'start'], {
      env: { ...process.env, STACK_DIR: stack.stackDir, STACK_SERVICES: 'cluster', STACK_PORT_OFFSET: String(offset) },
    });
  }

  return {
    url,
    async client() {
      const cluster = new Cluster(seeds, { redisOptions: auth });
      cluster.on('error', () => undefined);
      clients.push(cluster);
      if (cluster.status !== 'ready') await new Promise((resolve, reject) => cluster.once('ready', resolve).once('end', () => reject(new Error('cluster client ended'))));
      return cluster;
    },
    keySlot,
    nodes,
    async primaryOf(slotOrKey) {
      return (await primaryServing(await slotOf(slotOrKey))).primary;
    },
    failover: (slotOrKey) => withTopologyLock(async () => {
      const slot = await slotOf(slotOrKey);
      const { primary, replica, map } = await primaryAndReplica(slot);
      await waitSynced(replica);
      const started = performance.now();
      await onNode(replica.address, 'CLUSTER', 'FAILOVER');
      const all = map.map((n) => n.address);
      await waitAgreed(`${replica.address} to serve slot ${slot} on every node after CLUSTER FAILOVER`, all, slot, replica, primary);
      const ms = Math.round(performance.now() - started);
      // Ready for the next failover of this slot: the old primary is a replica in sync.
      await waitSynced(primary);
      return { slot, from: primary.address, to: replica.address, ms };
    }),
    killPrimary: (slotOrKey) => withTopologyLock(async () => {
      const slot = await slotOf(slotOrKey);
      const { primary, replica, map } = await primaryAndReplica(slot);
      // A replica still in its first sync (a node restarted moments ago) would refuse to take over.
      await waitSynced(replica);
      const pid = /^process_id:(\d+)/m.exec(String(await onNode(primary.address, 'INFO', 'server')))?.[1];
      if (!pid) throw new Error(`${primary.address} did not say its process id`);
      const started = performance.now();
      process.kill(Number(pid), 'SIGKILL');
      const survivors = map.map((n) => n.address).filter((a) => a !== primary.address);
      await waitAgreed(`${replica.address} to take over slot ${slot} after ${primary.address} was killed`, survivors, slot, replica, undefined, TAKE_OVER_AFTER_CRASH_TIMEOUT_MS);
      const promotedMs = Math.round(performance.now() - started);
      await restartStackCluster(map);
      await waitAgreed(`${primary.address} to rejoin as a replica of ${replica.address}`, map.map((n) => n.address), slot, replica, primary);
      await waitSynced(primary);
      return { slot, from: primary.address, to: replica.address, promotedMs, rejoinedMs: Math.round(performance.now() - started) };
    }),
    async close() {
      await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
      for (const redis of direct.values()) redis.disconnect();
      direct.clear();
    },
  };
}

/**
 * One failover (or kill) at a time on the stack's cluster, across every test process: the tests of
 * several packages run at once against the same six nodes, and two failovers of the same slot range in
 * flight together leave neither in the state its test waits for. A lock file beside the nodes' state,
 * holding the holder's pid (a crashed holder's lock is taken over).
 */
export async function withTopologyLock<T>(fn: () => Promise<T>): Promise<T> {
  const path = join(stack.stackDir, 'redis-cluster', 'topology.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.write(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')) || 0);
      let alive = false;
      try {
        if (holder > 0) process.kill(holder, 0);
        alive = holder > 0;
      } catch {
        alive = false;
      }
      if (!alive) {
        await rm(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`The cluster's topology lock (${path}) stayed held by process ${holder} for 2 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
