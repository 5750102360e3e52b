// This worker's membership of the fleet: a heartbeat every HEARTBEAT_MS that also reads the live
// members, turned into a view of the shards this worker owns. Two safety rules:
// - Fencing: when heartbeats have failed for longer than fenceMs (below the members' TTL), the others
//   may already count this worker gone and take its shards, so the view says "fenced" and the worker
//   closes every session; it comes back when a heartbeat gets through again. A heartbeat gets through
//   when a majority of the membership's copies answered (membership.ts), so one primary of a cluster
//   failing over or crashing fences nobody.
// - Settling: a heartbeat that finds a new fleet epoch means Redis lost its state (a restart without
//   persistence). The view keeps what is held and takes nothing new until every member of before the
//   loss has re-appeared (or a member TTL has passed: those are gone); then the ownership is what it
//   was and nothing moves. (A worker slower to come back must not see its shards taken meanwhile.)
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { announceJoin, HEARTBEAT_MS, heartbeat, leaveFleet, MEMBER_TTL_MS, ownedShards } from '@reply-sync/queue';
import type { Logger } from '../logger';
import { withTimeout } from '../wake-signal';

export interface FleetView {
  /** Live members, sorted (this worker included once registered). */
  members: string[];
  /** Shards this worker owns (empty while fenced or before the first heartbeat). */
  owned: ReadonlySet<number>;
  /** Heartbeats failed for longer than the fence: hold nothing. */
  fenced: boolean;
  /** Just after Redis lost its state: keep what is held, take nothing new, give nothing up. */
  settling: boolean;
}

export interface FleetMembershipOptions {
  redis: Redis;
  fleet: string;
  memberId: string;
  logger: Logger;
  onView: (view: FleetView) => void;
  heartbeatMs?: number;
  ttlMs?: number;
  /** Default: ttlMs − 2 heartbeats, so a fenced worker has closed before the others take over. */
  fenceMs?: number;
}

export interface FleetMembership {
  /** Resolves after the first heartbeat got an answer (or failed). */
  readonly started: Promise<void>;
  view(): FleetView;
  /** Heartbeats now, out of cadence (another member announced its join); skipped while one is in flight. */
  beatNow(): void;
  /** Leaves the fleet (the others take the shards at their next heartbeat); returns who is left. */
  leave(): Promise<string[]>;
  stop(): void;
}

export function startFleetMembership(options: FleetMembershipOptions): FleetMembership {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const ttlMs = options.ttlMs ?? MEMBER_TTL_MS;
  const fenceMs = options.fenceMs ?? Math.max(heartbeatMs, ttlMs - 2 * heartbeatMs);
  const log = options.logger.child({ component: 'fleet-membership', memberId: options.memberId });
  let view: FleetView = { members: [], owned: new Set(), fenced: false, settling: false };
  let lastOk = Date.now();
  /** Each membership copy's epoch as last seen (null: not seen yet). */
  let epochs: (string | null)[] = [];
  let settleUntil = 0;
  /** The members of before a loss of Redis' state, waited for while settling. */
  let awaited: string[] = [];
  let lastMembers: string[] = [];
  let stopped = false;
  let left = false;
  let timer: NodeJS.Timeout | undefined;
  let lastMembersKey = '';
  let owned: ReadonlySet<number> = new Set();

  const publish = (next: FleetView): void => {
    view = next;
    options.onView(next);
  };
  // The fence fires fenceMs after the last heartbeat that got through, on a timer of its own: a
  // heartbeat that hangs until its timeout must not push it past the moment the others take over.
  let fenceTimer: NodeJS.Timeout | undefined;
  const armFence = (): void => {
    if (fenceTimer) clearTimeout(fenceTimer);
    fenceTimer = setTimeout(() => {
      if (stopped || left || view.fenced) return;
      log.error({ event: 'fenced', sinceMs: Date.now() - lastOk }, 'fleet heartbeats failing; closing every session');
      lastMembersKey = '';
      publish({ members: [], owned: new Set(), fenced: true, settling: false });
    }, fenceMs);
    fenceTimer.unref?.();
  };
  armFence();

  const beat = async (): Promise<void> => {
    const now = Date.now();
    try {
      const hb = await withTimeout(heartbeat(options.redis, options.fleet, options.memberId, ttlMs), heartbeatMs, 'fleet heartbeat');
      lastOk = Date.now();
      armFence();
      // New in the set: the others look again at once (they may hold our shards' logins in their queue).
      if (hb.added) void announceJoin(options.redis, options.fleet, options.memberId).catch(() => undefined);
      // A copy that answered now and before with another epoch lost its state (one copy is enough: a
      // read of a majority that includes it could miss members that have not beaten since).
      if (hb.epochs.some((e, i) => e !== null && epochs[i] != null && e !== epochs[i])) {
        settleUntil = lastOk + ttlMs;
        awaited = lastMembers.length > 0 ? lastMembers : view.members;
        log.warn({ event: 'membership_lost' }, 'Redis had lost the fleet membership (a restart?); settling before anything moves');
      }
      epochs = hb.epochs.map((e, i) => e ?? epochs[i] ?? null);
      const membersKey = hb.members.join(',');
      if (membersKey !== lastMembersKey) {
        lastMembersKey = membersKey;
        owned = ownedShards(options.memberId, hb.members);
        log.info({ event: 'membership', members: hb.members.length, owned: owned.size }, 'fleet membership changed');
      }
      if (view.fenced) log.warn({ event: 'unfenced' }, 'heartbeat got through again; taking shards back');
      if (hb.members.length > 0) lastMembers = hb.members;
      const everyoneBack = awaited.every((m) => hb.members.includes(m));
      if (everyoneBack) awaited = [];
      publish({ members: hb.members, owned, fenced: false, settling: lastOk < settleUntil && !everyoneBack });
    } catch (error) {
      if (!view.fenced) log.warn({ err: error instanceof Error ? error.message : String(error), sinceOkMs: now - lastOk }, 'fleet heartbeat failed');
    }
  };

  let inFlight: Promise<void> | null = null;
  const beatOnce = (): Promise<void> => (inFlight ??= beat().finally(() => (inFlight = null)));
  // Beats on a fixed cadence from their start, so a slow one does not stretch the next.
  const loop = async (): Promise<void> => {
    if (stopped || left) return;
    const began = Date.now();
    await beatOnce();
    if (!stopped && !left) {
      timer = setTimeout(() => void loop(), Math.max(0, heartbeatMs - (Date.now() - began)));
      timer.unref?.();
    }
  };
  const started = loop();

  return {
    started,
    view: () => view,
    beatNow() {
      if (!stopped && !left && !inFlight) void beatOnce();
    },
    async leave() {
      left = true;
      if (timer) clearTimeout(timer);
      if (fenceTimer) clearTimeout(fenceTimer);
      try {
        return await withTimeout(leaveFleet(options.redis, options.fleet, options.memberId, ttlMs), 5_000, 'leave the fleet');
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not leave the fleet; the others take over when the heartbeat expires');
        return [];
      }
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (fenceTimer) clearTimeout(fenceTimer);
    },
  };
}
