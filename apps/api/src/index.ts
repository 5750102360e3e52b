// @reply-sync/api: the HTTP API (issue 12). buildApp() for tests and embedding, runApi() for `reply-sync api`.
export { buildApp, type AppDeps } from './app';
export { parseApiEnv, ApiEnvError, type ApiEnv } from './env';
export { runApi, type RunningApi } from './run-api';
