// @reply-sync/scheduler: one BullMQ job per connected inbox (NOTIFY + periodic reconcile).
export { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler';
export { runScheduler, type RunSchedulerOptions, type RunningScheduler } from './run-scheduler';
export { parseSchedulerEnv, SchedulerEnvError, type SchedulerEnv } from './env';
export { reconcile, type ReconcileResult } from './reconcile';
