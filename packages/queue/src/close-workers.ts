// Closing BullMQ Workers without hanging: a close lets the jobs running finish, but does not wait forever
// for the worker's own connections. BullMQ's Worker.close() first disconnects the worker's blocking
// connection and awaits its 'end' event; an ioredis client parked in reconnecting (a Redis that is down,
// or a Cluster whose node died under a blocking BZPOPMIN) never emits it, and close() never resolves
// (taskforcesh/bullmq#4656; seen here on the stack's cluster while another test killed a primary). A
// SIGTERM must still end the process, so once no job of ours is running a worker gets `settleMs` more
// and is then left closing: it takes no new job, and the caller closes the shared connection and exits.
import type { Processor, Worker } from 'bullmq';

/** A processor that counts its runs in flight: what tells a close still waiting for jobs from one that hangs. */
export interface CountedProcessor<D, R> {
  processor: Processor<D, R>;
  running(): number;
  /** Resolves once no run is in flight. */
  idle(): Promise<void>;
}

export function countRuns<D, R>(processor: Processor<D, R>): CountedProcessor<D, R> {
  let running = 0;
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    if (running > 0) return;
    for (const wake of waiters.splice(0)) wake();
  };
  return {
    processor: async (...args) => {
      running++;
      try {
        return await processor(...args);
      } finally {
        running--;
        settle();
      }
    },
    running: () => running,
    idle: () => (running === 0 ? Promise.resolve() : new Promise<void>((wake) => waiters.push(wake))),
  };
}

export interface ClosedWorkers {
  closed: number;
  /** Workers whose close had not resolved `settleMs` after their last job ended (left closing). */
  abandoned: number;
}

/** BullMQ's own connection cleanup after the jobs: milliseconds on a reachable Redis. */
export const DEFAULT_CLOSE_SETTLE_MS = 5_000;

/**
 * Closes the workers (no new job from now on), waits for `runs` to be idle, then waits at most `settleMs`
 * for each close to resolve. Never rejects: a close that failed counts as closed (BullMQ emitted the error).
 */
export async function closeWorkers(workers: readonly Worker[], runs: Pick<CountedProcessor<unknown, unknown>, 'idle'>, settleMs = DEFAULT_CLOSE_SETTLE_MS): Promise<ClosedWorkers> {
  const closes = workers.map((worker) => worker.close().then(
    () => true,
    () => true,
  ));
  await runs.idle();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), settleMs);
  });
  try {
    const done = await Promise.all(closes.map((close) => Promise.race([close, deadline])));
    const closed = done.filter(Boolean).length;
    return { closed, abandoned: workers.length - closed };
  } finally {
    clearTimeout(timer);
  }
}
