// Where a pending web sign-in keeps its PKCE verifier: Redis, under the state's nonce, with the state's
// lifetime. take() reads and deletes it in one command (GETDEL), so a state is good for one callback:
// a replayed or already-used state finds nothing.
import type { RedisConnection } from '@reply-sync/queue';

const PREFIX = 'reply-sync:oauth-sign-in:';

export interface PendingSignIn {
  codeVerifier: string;
}

export interface SignInStore {
  /** False when the nonce is already taken (never, with random nonces; SET NX says so rather than overwrite). */
  put(nonce: string, pending: PendingSignIn, ttlSeconds: number): Promise<boolean>;
  /** The pending sign-in, removed; null when it was used already or expired. */
  take(nonce: string): Promise<PendingSignIn | null>;
}

export function redisSignInStore(redis: RedisConnection): SignInStore {
  return {
    async put(nonce, pending, ttlSeconds) {
      return (await redis.set(`${PREFIX}${nonce}`, JSON.stringify(pending), 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async take(nonce) {
      const raw = await redis.getdel(`${PREFIX}${nonce}`);
      if (raw === null) return null;
      const parsed = JSON.parse(raw) as Partial<PendingSignIn>;
      return typeof parsed.codeVerifier === 'string' ? { codeVerifier: parsed.codeVerifier } : null;
    },
  };
}
