// Samples, once a second, who holds the run's inboxes: Dovecot's own list of IMAP sessions per user
// (`doveadm who`, which sees orphans a worker forgot), the sessions the workers say they hold (their
// gauges), and the frozen connections still open. Every later figure about sessions is read from these.
import { imapSessionsByUser } from '@reply-sync/testkit';
import { sleep } from '../../bench/lib/concurrency';
import type { ChaosFleet } from './chaos-fleet';

export interface SessionSample {
  atMs: number;
  /** Inboxes with at least one Dovecot session. */
  held: number;
  /** Sum of the live workers' reply_sync_inboxes_connected. */
  workerSessions: number;
  /** The most Dovecot sessions any one inbox had. */
  maxPerInbox: number;
  /** Users with 2 or more sessions in this sample. */
  doubled: string[];
  frozen: number;
}

export interface SessionSampler {
  readonly samples: readonly SessionSample[];
  /** Resolves with the first sample at or after `fromMs` for which `ok` holds (null after `timeoutMs`). */
  waitFor(fromMs: number, ok: (s: SessionSample) => boolean, timeoutMs: number): Promise<SessionSample | null>;
  stop(): Promise<void>;
}

export function startSessionSampler(fleet: ChaosFleet, users: readonly string[], intervalMs = 1_000): SessionSampler {
  const samples: SessionSample[] = [];
  const mine = new Set(users);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      try {
        const [byUser, workerSessions] = await Promise.all([imapSessionsByUser('standard'), fleet.sessionsHeld()]);
        let held = 0;
        let maxPerInbox = 0;
        const doubled: string[] = [];
        for (const [user, pids] of byUser) {
          if (!mine.has(user)) continue;
          held += 1;
          maxPerInbox = Math.max(maxPerInbox, pids.length);
          if (pids.length >= 2) doubled.push(user);
        }
        samples.push({ atMs: started, held, workerSessions, maxPerInbox, doubled, frozen: fleet.imapProxy.frozenConnections() });
      } catch {
        // doveadm busy or a worker between lives: the next sample counts
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - started)));
    }
  })();
  return {
    samples,
    async waitFor(fromMs, ok, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = samples.find((s) => s.atMs >= fromMs && ok(s));
        if (hit) return hit;
        if (Date.now() > deadline) return null;
        await sleep(200);
      }
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

export interface SessionFigures {
  minHeld: number;
  maxPerInbox: number;
  /** The longest run of samples in which one inbox had 2+ sessions, in seconds (0: never). */
  longestDoubledS: number;
  /** Samples of the window in which some inbox had 2+ sessions. */
  samplesDoubled: number;
  samples: number;
}

/** Session figures of the samples in [fromMs, toMs). */
export function sessionFigures(samples: readonly SessionSample[], fromMs: number, toMs: number, intervalMs = 1_000): SessionFigures {
  const window = samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs);
  const runs = new Map<string, number>();
  let longest = 0;
  for (const s of window) {
    const now = new Set(s.doubled);
    for (const user of [...runs.keys()]) if (!now.has(user)) runs.delete(user);
    for (const user of now) {
      const run = (runs.get(user) ?? 0) + 1;
      runs.set(user, run);
      longest = Math.max(longest, run);
    }
  }
  return {
    minHeld: window.length ? Math.min(...window.map((s) => s.held)) : Number.NaN,
    maxPerInbox: window.length ? Math.max(...window.map((s) => s.maxPerInbox)) : Number.NaN,
    longestDoubledS: (longest * intervalMs) / 1000,
    samplesDoubled: window.filter((s) => s.doubled.length > 0).length,
    samples: window.length,
  };
}
