// @reply-sync/api: the HTTP API (issue 12). buildApp() for tests and embedding, runApi() for `reply-sync api`,
// runTracker() for `reply-sync tracker` (the open pixel and click redirect as their own lean process).
export { buildApp, type AppDeps } from './app';
export { parseApiEnv, parseTrackerEnv, ApiEnvError, type ApiEnv, type TrackerEnv } from './env';
export { runApi, type RunningApi } from './run-api';
export { runTracker } from './run-tracker';
