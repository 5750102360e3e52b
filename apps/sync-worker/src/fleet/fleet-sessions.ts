// The sessions this worker holds: one per registered inbox of every shard it owns. It follows three
// inputs: the fleet view (which shards are ours), the registry's published changes (an inbox added to
// or removed from one of our shards), and a periodic reload of our shards (what a missed message lost).
//
// Handovers are make-before-break. A shard gained is loaded and its sessions started; once they are
// all logged in (or the handover timeout passed) this worker marks the shard ready under its own name.
// A shard lost keeps its sessions until its owner by the current view has marked it ready (the new
// owner holds them now), or until the timeout: so no inbox is left without a session, and two exist
// only for the moments in between. Sessions of a lost shard that have not logged in yet (a worker
// that started alone owned every shard for a moment; most of its sessions were still waiting for their
// login turn) are stopped at once instead: the new owner's login is then the inbox's only one. A fenced
// view (Redis unreachable for too long) drops everything at once.
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { liveMembers, markShardReady, ownerOf, shardInboxes, shardOf, shardsReady, unmarkShardReady, type InboxJobData, type RegistryChange } from '@reply-sync/queue';
import { sleep } from '../backoff';
import type { Logger } from '../logger';
import { withTimeout } from '../wake-signal';
import type { FleetView } from './fleet-membership';

/** One inbox's supervised session, as the holder starts it. */
export interface HeldSession {
  /** Resolves once the session is logged in and has examined INBOX (or has ended). */
  readonly ready: Promise<void>;
  /** Resolves when the session has ended (stopped, or the inbox disconnected). */
  readonly done: Promise<void>;
  /**
   * Whether it has sent a LOGIN yet. One that has not holds no IMAP session, so a handover stops it at
   * once: kept until the new owner is ready, it would still log in (its budget turn comes) only to log out.
   */
  hasLoggedIn(): boolean;
  stop(): void;
}

export interface FleetSessionsOptions {
  redis: Redis;
  fleet: string;
  memberId: string;
  logger: Logger;
  startSession: (inbox: InboxJobData) => HeldSession;
  /** How long a handover may take before it completes anyway. Default 20 s. */
  handoverTimeoutMs?: number;
  /** How often a releasing shard's holder is read. Default 500 ms. */
  releaseCheckMs?: number;
  /** Full reload of the owned shards from the registry. Default 5 min. */
  reloadMs?: number;
}

const REDIS_CALL_TIMEOUT_MS = 3_000;

interface Shard {
  sessions: Map<string, HeldSession>;
  /** Set when the shard is no longer ours: since when, waiting for the new holder. */
  releasingSince: number | null;
  /** Loaded from the registry (false while the load is in flight or failed). */
  loaded: boolean;
}

export interface FleetSessions {
  apply(view: FleetView): void;
  onRegistryChange(change: RegistryChange): void;
  /** Reloads every owned shard from the registry (after the change subscription reconnected). */
  reloadAll(): void;
  sessionCount(): number;
  heldShards(): number[];
  holds(inboxId: string): boolean;
  /** Gives every shard up to `others` (the live members but this one): waits for them to hold the sessions (up to the handover timeout), then stops all. */
  releaseAll(others: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export function createFleetSessions(options: FleetSessionsOptions): FleetSessions {
  const log = options.logger.child({ component: 'fleet-sessions' });
  const handoverTimeoutMs = options.handoverTimeoutMs ?? 20_000;
  const releaseCheckMs = options.releaseCheckMs ?? 500;
  const shards = new Map<number, Shard>();
  // Every Redis call has a deadline: with Redis away, ioredis would hold a command through its retries.
  const redisCall = <T>(call: Promise<T>, what: string): Promise<T> => withTimeout(call, REDIS_CALL_TIMEOUT_MS, what);
  let view: FleetView = { members: [], owned: new Set(), fenced: false, settling: false };
  let closed = false;
  let releaseLoop: Promise<void> | null = null;

  const startInbox = (shard: Shard, inbox: InboxJobData): HeldSession | null => {
    if (shard.sessions.has(inbox.inboxId)) return null;
    const session = options.startSession(inbox);
    shard.sessions.set(inbox.inboxId, session);
    void session.done.then(() => {
      if (shard.sessions.get(inbox.inboxId) === session) shard.sessions.delete(inbox.inboxId);
    });
    return session;
  };

  const stopShard = async (id: number, why: string): Promise<void> => {
    const shard = shards.get(id);
    if (!shard) return;
    shards.delete(id);
    // A later owner-to-be must not read our old word as its handover done. Not awaited: with Redis away
    // (a fence) the sessions must end now, and the word expires on its own anyway.
    void redisCall(unmarkShardReady(options.redis, options.fleet, id, options.memberId), 'unmark').catch(() => undefined);
    if (shard.sessions.size > 0) log.info({ event: 'shard_released', shard: id, sessions: shard.sessions.size, why }, 'shard released');
    for (const s of shard.sessions.values()) s.stop();
    await Promise.all([...shard.sessions.values()].map((s) => s.done));
  };

  /** Break-before-make for the sessions of a releasing shard that hold no IMAP session yet. */
  const stopNotLoggedIn = (id: number, shard: Shard): void => {
    const early = [...shard.sessions.values()].filter((s) => !s.hasLoggedIn());
    if (early.length === 0) return;
    log.info({ event: 'shard_release_early', shard: id, sessions: early.length }, 'stopping sessions of a released shard that had not logged in yet');
    for (const s of early) s.stop();
  };

  const acquire = (id: number): void => {
    const shard: Shard = { sessions: new Map(), releasingSince: null, loaded: false };
    shards.set(id, shard);
    void (async () => {
      let inboxes: InboxJobData[];
      try {
        inboxes = await redisCall(shardInboxes(options.redis, options.fleet, id), 'load a shard');
      } catch (error) {
        // Redis is away: forget the shard; the next view (or reload) takes it again.
        log.warn({ shard: id, err: error instanceof Error ? error.message : String(error) }, 'could not load a shard; retrying at the next heartbeat');
        if (shards.get(id) === shard) shards.delete(id);
        return;
      }
      if (shards.get(id) !== shard) return;
      shard.loaded = true;
      await markWhenReady(id, shard, inboxes);
    })();
  };

  /**
   * Starts what the registry has for the shard and we do not, then names us its holder once its
   * sessions are in: the previous owner (or another member releasing it) lets go at that. (The
   * timeout's timer is cancelled once they are in: a pending 20 s timer would keep a stopped process
   * alive.)
   */
  const markWhenReady = async (id: number, shard: Shard, inboxes?: InboxJobData[]): Promise<void> => {
    const list = inboxes ?? (await redisCall(shardInboxes(options.redis, options.fleet, id), 'load a shard'));
    if (shards.get(id) !== shard || shard.releasingSince !== null) return;
    for (const inbox of list) startInbox(shard, inbox);
    const sessions = [...shard.sessions.values()];
    const settled = new AbortController();
    await Promise.race([Promise.all(sessions.map((s) => s.ready)).then(() => settled.abort()), sleep(handoverTimeoutMs, settled.signal)]);
    settled.abort();
    if (shards.get(id) !== shard || shard.releasingSince !== null) return;
    await redisCall(markShardReady(options.redis, options.fleet, id, options.memberId), 'mark ready').catch((error: unknown) =>
      log.warn({ shard: id, err: error instanceof Error ? error.message : String(error) }, 'could not mark the shard ready'),
    );
  };

  /** Members a releasing shard goes to: the live ones by the current view, or the others once we left. */
  let handoverMembers: readonly string[] = [];

  /** Stops releasing shards whose new owner holds them now (or whose handover timed out). */
  const checkReleases = async (): Promise<void> => {
    while (!closed) {
      const releasing = [...shards].filter(([, s]) => s.releasingSince !== null).map(([id]) => id);
      if (releasing.length === 0) return;
      const owners = new Map<number, string>();
      for (const id of releasing) {
        const owner = ownerOf(id, handoverMembers);
        if (owner && owner !== options.memberId) owners.set(id, owner);
      }
      let ready = new Map<number, boolean>();
      try {
        ready = await redisCall(shardsReady(options.redis, options.fleet, owners), 'read readiness');
      } catch {
        // Redis away: the timeout still applies.
      }
      const now = Date.now();
      await Promise.all(
        releasing.map((id) => {
          const shard = shards.get(id);
          if (!shard || shard.releasingSince === null) return undefined;
          if (ready.get(id)) return stopShard(id, `held by ${owners.get(id)}`);
          if (now - shard.releasingSince >= handoverTimeoutMs) return stopShard(id, 'handover timed out');
          return undefined;
        }),
      );
      await sleep(releaseCheckMs);
    }
  };
  const ensureReleaseLoop = (): void => {
    releaseLoop ??= checkReleases().finally(() => {
      releaseLoop = null;
      if ([...shards.values()].some((s) => s.releasingSince !== null) && !closed) ensureReleaseLoop();
    });
  };

  // Adds what the registry has and we do not; never stops a session because its entry is missing: a
  // Redis restart empties the registry until the scheduler's reconcile, and a disconnected inbox's
  // session ends on its own (the LISTEN on the inbox row, its watchdog). Removals come as messages.
  const reload = async (id: number): Promise<void> => {
    const shard = shards.get(id);
    if (!shard || !shard.loaded || shard.releasingSince !== null) return;
    const inboxes = await redisCall(shardInboxes(options.redis, options.fleet, id), 'reload a shard');
    if (shards.get(id) !== shard) return;
    for (const inbox of inboxes) startInbox(shard, inbox);
  };

  const reloadTimer = setInterval(() => {
    for (const id of shards.keys()) void reload(id).catch(() => undefined);
  }, options.reloadMs ?? 5 * 60_000);
  reloadTimer.unref?.();

  return {
    apply(next) {
      view = next;
      if (closed) return;
      handoverMembers = next.members;
      if (next.fenced) {
        for (const id of [...shards.keys()]) void stopShard(id, 'fenced');
        return;
      }
      if (next.settling) return;
      for (const id of next.owned) {
        const shard = shards.get(id);
        if (!shard) acquire(id);
        else if (shard.releasingSince !== null) {
          // Ours again: restart what the release stopped early (those that had not logged in), and
          // name us its holder again (a member that took it meanwhile, or took it and left, waits for that).
          shard.releasingSince = null;
          if (shard.loaded) void markWhenReady(id, shard).catch(() => undefined);
        }
      }
      let releasing = false;
      for (const [id, shard] of shards) {
        if (next.owned.has(id) || shard.releasingSince !== null) continue;
        shard.releasingSince = Date.now();
        releasing = true;
        stopNotLoggedIn(id, shard);
      }
      if (releasing) ensureReleaseLoop();
    },

    onRegistryChange(change) {
      if (closed) return;
      if (change.op === 'add') {
        for (const inbox of change.inboxes) {
          const shard = shards.get(shardOf(inbox.inboxId));
          if (shard && shard.loaded && shard.releasingSince === null) startInbox(shard, inbox);
        }
      } else {
        for (const inboxId of change.inboxIds) shards.get(shardOf(inboxId))?.sessions.get(inboxId)?.stop();
      }
    },

    reloadAll() {
      for (const id of shards.keys()) void reload(id).catch(() => undefined);
    },

    sessionCount: () => [...shards.values()].reduce((n, s) => n + s.sessions.size, 0),
    heldShards: () => [...shards.keys()].sort((a, b) => a - b),
    holds: (inboxId) => shards.get(shardOf(inboxId))?.sessions.has(inboxId) ?? false,

    async releaseAll(others) {
      handoverMembers = others;
      if (others.length === 0) {
        await Promise.all([...shards.keys()].map((id) => stopShard(id, 'worker stopping')));
        return;
      }
      const now = Date.now();
      for (const [id, shard] of shards) {
        if (shard.releasingSince !== null) continue;
        shard.releasingSince = now;
        stopNotLoggedIn(id, shard);
      }
      ensureReleaseLoop();
      const deadline = now + handoverTimeoutMs;
      while (shards.size > 0 && Date.now() < deadline) {
        await sleep(releaseCheckMs);
        // The others may be leaving too (a whole fleet stopping): hand over to who is still there,
        // and stop waiting once nobody is.
        const live = await redisCall(liveMembers(options.redis, options.fleet), 'read members').catch(() => handoverMembers);
        handoverMembers = live.filter((m) => m !== options.memberId);
        if (handoverMembers.length === 0) break;
      }
      await Promise.all([...shards.keys()].map((id) => stopShard(id, 'worker stopping')));
    },

    async close() {
      closed = true;
      clearInterval(reloadTimer);
      await Promise.all([...shards.keys()].map((id) => stopShard(id, 'closing')));
      await releaseLoop?.catch(() => undefined);
      void view;
    },
  };
}
