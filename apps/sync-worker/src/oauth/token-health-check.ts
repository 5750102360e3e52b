// The token health check: every `intervalMs` (default hourly) each connected oauth2 inbox gets a real
// refresh, also those whose IMAP session sits healthy in IDLE and never asks for a token, so a revoked
// grant, a password change or withdrawn consent is noticed (and the inbox disconnected) within the
// interval. Several worker processes share the work: a per-inbox claim in Redis lets one check it.
import { connectedOAuthInboxes, type Db, type InboxKey } from '@reply-sync/db';
import type { Logger } from '../logger';
import { getAccessToken, OAuthInboxError, type AccessTokenDeps } from './get-access-token';
import type { RedisLike } from './redis-lock';

export const DEFAULT_TOKEN_HEALTH_INTERVAL_MS = 60 * 60_000;

export interface TokenHealthCheckOptions extends AccessTokenDeps {
  db: Db;
  redis: RedisLike;
  logger: Logger;
  intervalMs?: number;
  /** Refreshes in flight at once. Default 4. */
  concurrency?: number;
  /** Redis key prefix of the per-inbox claims. Default `reply-sync:oauth-health:`. */
  claimPrefix?: string;
  /** Which inboxes a pass checks. Default: every connected oauth2 inbox (connectedOAuthInboxes). */
  listInboxes?: (db: Db) => Promise<InboxKey[]>;
}

export interface TokenHealthSummary {
  checked: number;
  ok: number;
  disconnected: number;
  transient: number;
  /** Claimed by another process this interval. */
  skipped: number;
}

export interface RunningTokenHealthCheck {
  /** One full pass now (also what the timer runs). */
  runOnce(): Promise<TokenHealthSummary>;
  stop(): Promise<void>;
}

async function checkOne(options: TokenHealthCheckOptions, inbox: InboxKey, intervalMs: number, summary: TokenHealthSummary, log: Logger): Promise<void> {
  // One process per inbox per interval; the claim expires a little before the next pass.
  const claimed = await options.redis.set(`${options.claimPrefix ?? 'reply-sync:oauth-health:'}${inbox.inboxId}`, '1', 'PX', Math.max(1, Math.floor(intervalMs * 0.9)), 'NX');
  if (claimed !== 'OK') {
    summary.skipped += 1;
    return;
  }
  summary.checked += 1;
  try {
    await getAccessToken(inbox, options, { forceRefresh: true });
    summary.ok += 1;
  } catch (error) {
    if (error instanceof OAuthInboxError) {
      // Our configuration, not the user's grant: the inbox stays connected, the operator is told.
      if (error.code === 'provider_not_configured') {
        summary.transient += 1;
        log.error({ inboxId: inbox.inboxId, accountId: inbox.accountId, code: error.code, err: error.message }, 'oauth provider not configured');
      }
      return; // otherwise disconnected or removed meanwhile: nothing to check
    }
    if ((error as { disconnects?: boolean }).disconnects === true) summary.disconnected += 1;
    else summary.transient += 1;
  }
}

export function runTokenHealthCheck(options: TokenHealthCheckOptions): RunningTokenHealthCheck {
  const intervalMs = options.intervalMs ?? DEFAULT_TOKEN_HEALTH_INTERVAL_MS;
  const concurrency = options.concurrency ?? 4;
  const log = options.logger.child({ component: 'token-health-check' });
  let stopped = false;
  let current: Promise<TokenHealthSummary> | null = null;
  let timer: NodeJS.Timeout | null = null;

  async function pass(): Promise<TokenHealthSummary> {
    const summary: TokenHealthSummary = { checked: 0, ok: 0, disconnected: 0, transient: 0, skipped: 0 };
    const queue = await (options.listInboxes ?? connectedOAuthInboxes)(options.db);
    const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next && !stopped; next = queue.shift()) await checkOne(options, next, intervalMs, summary, log);
    });
    await Promise.all(workers);
    log.info(summary, 'token health check pass');
    return summary;
  }

  function runOnce(): Promise<TokenHealthSummary> {
    current ??= pass().finally(() => {
      current = null;
    });
    return current;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => log.error({ err: (error as Error).message }, 'token health check pass failed'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current?.catch(() => undefined);
    },
  };
}
