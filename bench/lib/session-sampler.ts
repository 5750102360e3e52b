// The IMAP server's own view of the fleet's sessions: `doveadm who` (testkit imapSessionsByUser),
// sampled every few hundred ms for the scenario's users. It answers "how many sessions did any inbox
// have at once" and "how long was any inbox without one", whatever the workers believe.
import { imapSessionsByUser } from '@reply-sync/testkit';
import { sleep } from './concurrency';

/** Server process ids of each user's IMAP sessions now (an empty list: none). */
export async function sessionsOf(users: readonly string[]): Promise<Map<string, number[]>> {
  const byUser = await imapSessionsByUser('standard');
  return new Map(users.map((u) => [u, byUser.get(u) ?? []]));
}

export interface SessionSample {
  /** The most sessions any one user had in one sample. */
  maxPerInbox: number;
  /** How many users had more than one session in some sample. */
  inboxesSeenDoubled: number;
  /** The longest any user went without a session, between samples (ms). */
  longestGapMs: number;
  samples: number;
  /** The slowest `doveadm who` (ms): a sample interval is at least this. */
  slowestSampleMs: number;
}

export interface SessionSampler {
  stop(): Promise<SessionSample>;
}

export function sampleSessions(users: readonly string[], intervalMs: number): SessionSampler {
  let stopped = false;
  const started = Date.now();
  const lastSeen = new Map(users.map((u) => [u, started]));
  const doubled = new Set<string>();
  const result: SessionSample = { maxPerInbox: 0, inboxesSeenDoubled: 0, longestGapMs: 0, samples: 0, slowestSampleMs: 0 };
  const loop = (async () => {
    while (!stopped) {
      const began = Date.now();
      const current = await sessionsOf(users);
      const now = Date.now();
      result.samples++;
      result.slowestSampleMs = Math.max(result.slowestSampleMs, now - began);
      for (const [user, pids] of current) {
        result.maxPerInbox = Math.max(result.maxPerInbox, pids.length);
        if (pids.length > 1) doubled.add(user);
        if (pids.length > 0) lastSeen.set(user, now);
        result.longestGapMs = Math.max(result.longestGapMs, now - lastSeen.get(user)!);
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - began)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      result.inboxesSeenDoubled = doubled.size;
      return result;
    },
  };
}

/** Waits until every user has exactly one session on the server; returns each one's server pid. */
export async function oneSessionEach(users: readonly string[], timeoutMs: number): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let last = new Map<string, number[]>();
  for (;;) {
    last = await sessionsOf(users);
    if ([...last.values()].every((pids) => pids.length === 1)) return new Map([...last].map(([u, [pid]]) => [u, pid!]));
    if (Date.now() > deadline) {
      const off = [...last.values()].filter((pids) => pids.length !== 1).length;
      throw new Error(`timed out after ${timeoutMs} ms waiting for one IMAP session per inbox: ${off} of ${users.length} had none or several`);
    }
    await sleep(250);
  }
}
