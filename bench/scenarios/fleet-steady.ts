// Fleet steady state (issue 10, goals 1, 2 and 6): N inboxes on two worker processes with the
// production session age and watchdog; once every inbox is held, a steady window with a light reply
// load. Logins and IDLE re-issues are counted at a proxy in front of Dovecot, sessions per inbox by
// Dovecot itself (doveadm who), Redis commands by INFO commandstats on the fleet's own redis-server,
// rows written by PostgreSQL's own statistics.
import { sleep } from '../lib/concurrency';
import { fleetSize, type BenchContext, type Scenario } from '../lib/context';
import { loginsBetween, openFleetWorld } from '../lib/fleet-world';
import { commandStats, resetCommandStats } from '../lib/redis-commandstats';
import { oneSessionEach, sampleSessions } from '../lib/session-sampler';
import { tableWrites, writesBetween } from '../lib/pg-writes';
import { measureReplyLatency } from './latency';

const SAMPLE_EVERY_MS = 2_000;
/** A reply every two seconds across the fleet: light next to the latency scenario's 50/s. */
const REPLIES_PER_SEC = 0.5;
const LOGINS_PER_DAY_GOAL = 3;
const REDIS_PER_INBOX_GOAL = 0.05;
const IDLE_REISSUE_GOAL_S = 600;
const PG_STATS_LAG_MS = 11_000;
/** Tables a logged reply writes (its checkpoint, on inboxes, is counted with the idle touches). */
const REPLY_TABLES = new Set(['logged_emails', 'decisions', 'email_associations', 'attachments']);

/** Per connection open through the whole window: the longest stretch without an IDLE command (ms). */
function longestWithoutIdle(connections: { openedAt: number; closedAt: number | null; idles: number[] }[], from: number, to: number): { longestMs: number; sessions: number; idlesPerSessionHour: number } {
  let longestMs = 0;
  let sessions = 0;
  let idles = 0;
  for (const c of connections) {
    if (c.openedAt > from || (c.closedAt !== null && c.closedAt < to)) continue;
    sessions++;
    const points = [from, ...c.idles.filter((t) => t >= from && t < to), to];
    idles += points.length - 2;
    for (let i = 1; i < points.length; i++) longestMs = Math.max(longestMs, points[i]! - points[i - 1]!);
  }
  return { longestMs, sessions, idlesPerSessionHour: sessions ? idles / sessions / ((to - from) / 3_600_000) : Number.NaN };
}

export const fleetSteadyScenario: Scenario = {
  name: 'fleet-steady',
  title: 'two workers, production timers, a steady window: logins, sessions per inbox, Redis commands, IDLE re-issue',
  async run(ctx: BenchContext) {
    const n = fleetSize(ctx.options, { quick: 50, full: 2_000 });
    const windowMin = ctx.options.windowMin ?? (ctx.options.quick ? 1 : 15);
    const windowMs = Math.round(windowMin * 60_000);
    const world = await openFleetWorld(ctx, { tag: 'steady', count: n });
    try {
      // Production SESSION_MAX_MS (12 h) and WATCHDOG_INTERVAL_MS (45 s): the figures are about them.
      // The first logins at 200/s, not the benchmark's 1,000/s: thousands of logins at once ran the
      // stack Dovecot's auth process out of memory (shared machine); the window does not depend on it.
      const env = { LOGIN_RATE_PER_HOST: '200/s:20' };
      await Promise.all(['a', 'b'].map((label) => world.startWorker(label, { productionTimers: true, env })));
      await world.waitAllHeld(60_000 + n * 100);
      await oneSessionEach(world.users, 60_000);
      ctx.log(`fleet-steady: ${n} inboxes held by two workers; steady window of ${windowMin} min with ${REPLIES_PER_SEC} replies/s`);

      // Backends report their row counts when idle, up to PGSTAT_IDLE_INTERVAL (10 s) late: let the
      // start-up's writes (baselines, recovered errors) land before the window's first reading.
      await sleep(PG_STATS_LAG_MS);
      const loginsBefore = loginsBetween(world.proxy, 0).length;
      const writesBefore = await tableWrites(ctx.db.sql);
      await resetCommandStats(world.fleet.redis);
      const from = Date.now();
      const sampler = sampleSessions(world.users, SAMPLE_EVERY_MS);
      const load = { ratePerSec: REPLIES_PER_SEC, durationS: Math.max(5, windowMs / 1000 - 20) };
      const replies = await measureReplyLatency(ctx, world.seeded.accountId, world.seeded.inboxes, load, 'steady');
      await sleep(Math.max(0, from + windowMs - Date.now()));
      const to = Date.now();
      const redisCommands = await commandStats(world.fleet.redis);
      const sessions = await sampler.stop();
      const writesAfter = await tableWrites(ctx.db.sql);
      const heldAtEnd = await world.held();

      const hours = (to - from) / 3_600_000;
      const logins = loginsBetween(world.proxy, from, to).length;
      const loginsPerInboxHour = logins / n / hours;
      const redisTotal = redisCommands.reduce((sum, c) => sum + c.calls, 0);
      const redisPerSec = redisTotal / ((to - from) / 1000);
      const idle = longestWithoutIdle(world.proxy.connections, from, to);
      const writes = writesBetween(writesBefore, writesAfter);
      const rowsOf = (w: { inserted: number; updated: number; deleted: number }) => w.inserted + w.updated + w.deleted;
      const replyRows = Object.entries(writes).filter(([t]) => REPLY_TABLES.has(t)).reduce((sum, [, w]) => sum + rowsOf(w), 0);
      const inboxRowUpdates = writes.inboxes ? rowsOf(writes.inboxes) : 0;
      const logged = replies.delivered - replies.missing;

      const label = `N=${n}, ${windowMin} min`;
      ctx.row({ scenario: 'fleet-steady', figure: `${label}: IMAP logins per inbox per hour (proxy)`, value: loginsPerInboxHour, unit: '/h', goal: `≤ ${(LOGINS_PER_DAY_GOAL / 24).toFixed(3)}/h (${LOGINS_PER_DAY_GOAL}/day)`, met: loginsPerInboxHour <= LOGINS_PER_DAY_GOAL / 24 });
      ctx.row({ scenario: 'fleet-steady', figure: `max IMAP sessions per inbox (doveadm who every ${SAMPLE_EVERY_MS / 1000} s)`, value: sessions.maxPerInbox, unit: '', goal: '1', met: sessions.maxPerInbox === 1 });
      ctx.row({ scenario: 'fleet-steady', figure: 'Redis commands/s per held inbox (INFO commandstats)', value: redisPerSec / n, unit: '/s', goal: `≤ ${REDIS_PER_INBOX_GOAL}/s`, met: redisPerSec / n <= REDIS_PER_INBOX_GOAL });
      ctx.row({ scenario: 'fleet-steady', figure: 'Redis commands/s, whole fleet (2 workers)', value: redisPerSec, unit: '/s' });
      for (const c of redisCommands) ctx.row({ scenario: 'fleet-steady', figure: `  redis ${c.command}`, value: c.calls, unit: 'calls' });
      ctx.row({ scenario: 'fleet-steady', figure: 'Redis memory per registered inbox (used_memory)', value: world.registryBytesPerInbox, unit: 'B' });
      ctx.row({ scenario: 'fleet-steady', figure: 'longest a session went without re-issuing IDLE (proxy)', value: idle.longestMs / 1000, unit: 's', goal: `≤ ${IDLE_REISSUE_GOAL_S} s`, met: idle.longestMs <= IDLE_REISSUE_GOAL_S * 1000 });
      ctx.row({ scenario: 'fleet-steady', figure: 'replies logged during the window', value: logged, unit: `of ${replies.delivered}`, goal: 'all', met: replies.missing === 0 });
      ctx.row({ scenario: 'fleet-steady', figure: 'PostgreSQL rows written per reply (email, decision, links)', value: logged ? replyRows / logged : Number.NaN, unit: 'rows' });
      ctx.row({ scenario: 'fleet-steady', figure: 'inbox row updates per inbox-hour (checkpoints + last synced)', value: inboxRowUpdates / n / hours, unit: '/h' });
      return {
        n,
        windowMin,
        workers: 2,
        timers: 'the worker defaults: SESSION_MAX_MS 12 h (±10 % jitter), WATCHDOG_INTERVAL_MS 45 s',
        logins: { inWindow: logins, beforeWindow: loginsBefore, perInboxPerHour: loginsPerInboxHour, perInboxPerDay: loginsPerInboxHour * 24 },
        sessions,
        heldAtEnd,
        redis: { registryBytesPerInbox: world.registryBytesPerInbox, total: redisTotal, perSecond: redisPerSec, perSecondPerInbox: redisPerSec / n, commands: redisCommands },
        idleReissue: idle,
        replies: { ...replies, starts: undefined, load },
        postgres: { writes, rowsPerReply: logged ? replyRows / logged : null, inboxRowUpdatesPerInboxHour: inboxRowUpdates / n / hours },
        note: 'logins = LOGIN/AUTHENTICATE commands at the counting proxy; IDLE = IDLE commands there, per connection open through the whole window (the watchdog NOOP every 45 s ends the IDLE, which is then re-issued); sessions = doveadm who; Redis = INFO commandstats on the scenario\'s own redis-server (commands inside scripts counted), the benchmark\'s own INFO/CONFIG left out; PostgreSQL = pg_stat_user_tables of the bench database, the bench\'s own commit-clock table left out',
      };
    } finally {
      await world.close();
    }
  },
};
