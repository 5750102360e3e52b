// OAuth for the worker: access tokens refreshed under a Redis lock, and the periodic token health check.
export { getAccessToken, OAuthInboxError, DEFAULT_MIN_VALIDITY_MS, type AccessToken, type AccessTokenDeps } from './get-access-token';
export { runTokenHealthCheck, DEFAULT_TOKEN_HEALTH_INTERVAL_MS, type RunningTokenHealthCheck, type TokenHealthCheckOptions, type TokenHealthSummary } from './token-health-check';
export { acquireLock, tryLock, type RedisLike, type HeldLock } from './redis-lock';
export { oauthCredentialsFor } from './oauth-credentials-for';
