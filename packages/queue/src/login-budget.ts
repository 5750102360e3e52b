// The fleet-wide login budget, in Redis: a login rate per IMAP host shared by every worker process
// (a fleet restart reconnects its inboxes at that rate instead of all at once), and a cap on the
// short extra connections per mailbox account (Gmail allows 15 per account, shared with the user's
// own mail apps; the IDLE session is one per inbox by design). One script call per login.
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ACQUIRE_CONNECTION_LUA, ADMIT_LOGIN_LUA, CANCEL_LOGIN_LUA, RELEASE_CONNECTION_LUA, RESERVE_LOGIN_LUA } from './login-budget-scripts';
import { normalizeHost, rateFor, type LoginBudgetConfig } from './login-rates';

/** The mailbox account a connection logs in to. */
export interface MailAccount {
  host: string;
  username: string;
}

export type LoginBudgetErrorCode = 'connection_slots_busy' | 'login_budget_unavailable' | 'login_budget_invalid_host';

export class LoginBudgetError extends Error {
  override readonly name = 'LoginBudgetError';
  constructor(
    readonly code: LoginBudgetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface LoginGrant {
  /** How long this login waited for its slot. */
  waitedMs: number;
  /** The slot it got, on Redis's clock (µs since the epoch): for logs, and for tests of the rate itself. */
  slotUs: number;
  /** Logins only: when it was admitted, counted in its host's sliding second (Redis's clock, µs). */
  admittedUs?: number;
}

export interface ConnectionLease {
  /** Frees the slot (idempotent). */
  release(): Promise<void>;
}

export interface AcquireConnectionOptions {
  signal?: AbortSignal;
  /** How long to wait for a free slot before LoginBudgetError `connection_slots_busy` (default 60 s). */
  maxWaitMs?: number;
}

export interface LoginBudget {
  readonly config: LoginBudgetConfig;
  /**
   * Resolves when this host's fleet-wide rate allows one more login (at once while under the burst);
   * call it right before the LOGIN/AUTHENTICATE command goes out (after the greeting: see gateLogin in
   * @reply-sync/mail), so the host sees its logins at the rate whatever each connection's set-up took.
   * Rejects with the signal's reason when aborted (the reservation is given back), with
   * LoginBudgetError `login_budget_unavailable` when Redis cannot be asked.
   */
  acquireLogin(host: string, options?: { signal?: AbortSignal }): Promise<LoginGrant>;
  /**
   * The same rate for opening the connections that will log in (a budget of its own, in its own key):
   * call it before connecting, so a fleet restart opens connections at the rate too, instead of opening
   * them all and holding them unauthenticated until their login's turn. Same rejections.
   */
  acquireConnect(host: string, options?: { signal?: AbortSignal }): Promise<LoginGrant>;
  /** Holds one of the account's extra-connection slots until release(); renewed while held. */
  acquireConnection(account: MailAccount, options?: AcquireConnectionOptions): Promise<ConnectionLease>;
  /** A slot of the account, then a login of its host, then `fn`; the slot is freed however fn ends. */
  withExtraConnection<T>(account: MailAccount, fn: () => Promise<T>, options?: AcquireConnectionOptions): Promise<T>;
}

export interface LoginBudgetOptions {
  /** Key prefix; tests use their own (default `reply-sync`). */
  prefix?: string;
  /** A holder not renewed for this long (its process died) loses its slot (default 30 s; renewed every third). */
  leaseMs?: number;
}

interface BudgetCommands {
  replySyncReserveLogin(key: string, intervalUs: number, toleranceUs: number): Promise<[number, number, string]>;
  replySyncCancelLogin(key: string, intervalUs: number, slotUs: number, tat: string): Promise<number>;
  replySyncAdmitLogin(key: string, limit: number, windowUs: number, member: string): Promise<[number, string]>;
  replySyncAcquireConnection(key: string, cap: number, leaseMs: number, holder: string): Promise<number>;
  replySyncReleaseConnection(key: string, holder: string): Promise<number>;
}

const DEFAULT_LEASE_MS = 30_000;
/** The window logins are counted in when admitted: the host's "per second". */
const ADMISSION_WINDOW_US = 1_000_000;
/**
 * Turns are paced at this share of the configured rate. The host reads a LOGIN a little after its
 * admission (the worker's event loop, the network), and those delays differ, so logins admitted 1 s
 * apart can arrive closer together: paced at 90 %, up to 100 ms of that jitter stays within the rate.
 * Measured with the counting proxy of the login storm at 100/s: 111 logins in the busiest second when
 * paced at the full rate, with the admission alone.
 */
export const PACING_SHARE = 0.9;
const DEFAULT_MAX_WAIT_MS = 60_000;
const defined = new WeakSet<object>();

/** ioredis sends EVALSHA and loads the script on NOSCRIPT, on a single Redis and on a Cluster alike. */
function withCommands(redis: Redis | Cluster): BudgetCommands {
  if (!defined.has(redis)) {
    redis.defineCommand('replySyncReserveLogin', { numberOfKeys: 1, lua: RESERVE_LOGIN_LUA });
    redis.defineCommand('replySyncCancelLogin', { numberOfKeys: 1, lua: CANCEL_LOGIN_LUA });
    redis.defineCommand('replySyncAdmitLogin', { numberOfKeys: 1, lua: ADMIT_LOGIN_LUA });
    redis.defineCommand('replySyncAcquireConnection', { numberOfKeys: 1, lua: ACQUIRE_CONNECTION_LUA });
    redis.defineCommand('replySyncReleaseConnection', { numberOfKeys: 1, lua: RELEASE_CONNECTION_LUA });
    defined.add(redis);
  }
  return redis as unknown as BudgetCommands;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Sleeps `ms`; rejects with the signal's reason when it aborts. */
function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function checkedHost(host: string): string {
  const h = normalizeHost(host);
  if (!h || /[\s{}]/.test(h)) throw new LoginBudgetError('login_budget_invalid_host', `"${host}" is not an IMAP host name; the login budget keys logins by host.`);
  return h;
}

async function asked<T>(what: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new LoginBudgetError(
      'login_budget_unavailable',
      `Redis could not be asked for the login budget (${what}): ${error instanceof Error ? error.message : String(error)}. Logins wait until it answers again.`,
      { cause: error },
    );
  }
}

export function createLoginBudget(redis: Redis | Cluster, config: LoginBudgetConfig, options: LoginBudgetOptions = {}): LoginBudget {
  const commands = withCommands(redis);
  const prefix = options.prefix ?? 'reply-sync';
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  // The braces are the Redis Cluster hash tag: each host's rate, and each account's slots, in a slot of their own.
  const rateKey = (host: string) => `{${prefix}:login:${host}}`;
  const connectKey = (host: string) => `{${prefix}:connect:${host}}`;
  const sentKey = (host: string) => `{${prefix}:login-sent:${host}}`;
  const slotsKey = (a: MailAccount) => `{${prefix}:connections:${checkedHost(a.host)}:${a.username.trim().toLowerCase()}}`;

  /** One GCRA reservation of `host`'s rate in `keyOf(host)`, then the sleep until its slot. */
  async function reserve(keyOf: (host: string) => string, what: string, host: string, opts: { signal?: AbortSignal }): Promise<LoginGrant> {
    const h = checkedHost(host);
    const key = keyOf(h);
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    const rate = rateFor(config, h);
    const intervalUs = Math.max(1, Math.round(1_000_000 / (rate.perSecond * PACING_SHARE)));
    const toleranceUs = intervalUs * (Math.max(1, Math.floor(rate.burst)) - 1);
    const [waitUs, slotUs, tat] = await asked(`${what} ${h}`, commands.replySyncReserveLogin(key, intervalUs, toleranceUs));
    const waitMs = Math.ceil(Number(waitUs) / 1000);
    if (waitMs > 0) {
      try {
        await wait(waitMs, opts.signal);
      } catch (aborted) {
        await commands.replySyncCancelLogin(key, intervalUs, Number(slotUs), tat).catch(() => undefined);
        throw aborted;
      }
    }
    return { waitedMs: waitMs, slotUs: Number(slotUs) };
  }

  /**
   * After its GCRA turn, a login is admitted only while the host's sliding second holds fewer than
   * max(rate, burst) logins admitted: what the host counts, whatever delayed the turns in between.
   */
  async function acquireLogin(host: string, opts: { signal?: AbortSignal } = {}): Promise<LoginGrant> {
    const grant = await reserve(rateKey, 'login to', host, opts);
    const h = checkedHost(host);
    const rate = rateFor(config, h);
    const limit = Math.max(1, Math.floor(rate.burst), Math.floor(rate.perSecond));
    const member = randomUUID();
    let waitedMs = grant.waitedMs;
    for (;;) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      const [until, nowUs] = await asked(`login to ${h}`, commands.replySyncAdmitLogin(sentKey(h), limit, ADMISSION_WINDOW_US, member));
      const untilUs = Number(until);
      // Stopped while Redis answered: no login goes out after its caller gave up (the admission it
      // recorded only holds one place in the window for a second).
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      if (untilUs === 0) return { waitedMs, slotUs: grant.slotUs, admittedUs: Number(nowUs) };
      const pauseMs = Math.ceil(untilUs / 1000);
      waitedMs += pauseMs;
      await wait(pauseMs, opts.signal);
    }
  }
  const acquireConnect = (host: string, opts: { signal?: AbortSignal } = {}) => reserve(connectKey, 'connection to', host, opts);

  async function acquireConnection(account: MailAccount, opts: AcquireConnectionOptions = {}): Promise<ConnectionLease> {
    const key = slotsKey(account);
    const holder = randomUUID();
    const cap = config.extraConnectionsPerAccount;
    const deadline = Date.now() + (opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    // Slots are rarely contended and a release is not announced: look again after a short, growing pause.
    for (let pause = 100; ; pause = Math.min(pause * 2, 1_000)) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      const untilExpiry = await asked(`connections of ${account.username}`, commands.replySyncAcquireConnection(key, cap, leaseMs, holder));
      if (untilExpiry === 0) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new LoginBudgetError(
          'connection_slots_busy',
          `All ${cap} extra IMAP connections allowed for ${account.username} on ${account.host} are in use (sends filing their Sent copy, \`explain --look\`) and none freed up in ${Math.round((opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS) / 1000)} s; try again later (EXTRA_CONNECTIONS_PER_ACCOUNT sets the cap).`,
        );
      }
      await wait(Math.min(untilExpiry, left, pause * (0.5 + Math.random() * 0.5)), opts.signal);
    }
    // Renewed while held, so only a holder whose process stopped loses its slot.
    const renew = setInterval(() => {
      commands.replySyncAcquireConnection(key, cap, leaseMs, holder).catch(() => undefined);
    }, Math.max(50, Math.floor(leaseMs / 3)));
    renew.unref();
    let released: Promise<void> | null = null;
    return {
      release() {
        clearInterval(renew);
        released ??= commands.replySyncReleaseConnection(key, holder).then(
          () => undefined,
          () => undefined, // unreachable Redis: the lease expires by itself
        );
        return released;
      },
    };
  }

  return {
    config,
    acquireLogin,
    acquireConnect,
    acquireConnection,
    async withExtraConnection(account, fn, opts = {}) {
      const lease = await acquireConnection(account, opts);
      try {
        await acquireLogin(account.host, opts.signal ? { signal: opts.signal } : {});
        return await fn();
      } finally {
        await lease.release();
      }
    },
  };
}
