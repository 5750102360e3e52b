// The faults of a chaos run, in the order they are played. inject() plays one and resolves when the
// fault itself is over (the server is back); the run then waits for the fleet to hold every inbox again.
import { kick, type MailUser } from '@reply-sync/testkit';
import { mapLimit, sleep } from '../../bench/lib/concurrency';
import type { ChaosFleet } from './chaos-fleet';
import type { SessionSample } from './session-sampler';

export interface FaultContext {
  fleet: ChaosFleet;
  users: readonly MailUser[];
  log(message: string): void;
}

export interface Fault {
  name: string;
  /** What was done, as the output says it. */
  what: string;
  inject(ctx: FaultContext): Promise<void>;
  /** More than "every inbox held": what recovered means for this fault. */
  recovered?(sample: SessionSample): boolean;
}

const REDIS_DOWN_MS = 10_000;
const POSTGRES_DOWN_MS = 10_000;
const DOVECOT_DOWN_MS = 3_000;

export const FAULTS: readonly Fault[] = [
  {
    name: 'worker-sigkill',
    what: 'SIGKILL the oldest of 3 workers, then start a fresh one',
    async inject({ fleet }) {
      await fleet.killWorker(fleet.workers[0]!);
      await fleet.addWorker();
    },
  },
  {
    name: 'redis-restart',
    what: `the suite's own redis-server killed (state lost), started again ${REDIS_DOWN_MS / 1000} s later`,
    async inject({ fleet }) {
      await fleet.redis.stop();
      await sleep(REDIS_DOWN_MS);
      await fleet.redis.start();
    },
  },
  {
    name: 'postgres-restart',
    what: `the run's own PostgreSQL stopped (pg_ctl stop -m fast: sessions ended by an administrator command), started again ${POSTGRES_DOWN_MS / 1000} s later`,
    async inject({ fleet }) {
      await fleet.postgres.stop();
      await sleep(POSTGRES_DOWN_MS);
      await fleet.postgres.start();
    },
  },
  {
    name: 'dovecot-kick',
    what: '`doveadm kick` of every inbox user',
    async inject({ users }) {
      await mapLimit(users, 8, (user) => kick(user));
    },
  },
  {
    name: 'dovecot-restart',
    what: `outage proxy in front of Dovecot's IMAP port: every session reset, connects refused for ${DOVECOT_DOWN_MS / 1000} s`,
    async inject({ fleet }) {
      fleet.imapProxy.cut({ refuse: true });
      await sleep(DOVECOT_DOWN_MS);
      await fleet.imapProxy.restore();
    },
  },
  {
    name: 'frozen-link',
    what: 'every open IMAP connection stops forwarding both ways, never closed (new connections pass)',
    async inject({ fleet, log }) {
      fleet.imapProxy.freeze();
      log(`froze ${fleet.imapProxy.frozenConnections()} IMAP connections`);
    },
    // Until the last frozen session was noticed (the NOOP watchdog) and replaced, the inbox is not held.
    recovered: (sample) => sample.frozen === 0,
  },
];
