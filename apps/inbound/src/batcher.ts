// Group commit: calls made while earlier batches are running wait and then run together as ONE batch,
// so the batch size follows the load (one at a time when idle, up to maxBatch under a flood) without a
// timer adding latency. Used for the receiver's spool writes and the processor's jobs.

export interface BatcherOptions {
  /** The most items one batch takes. */
  maxBatch: number;
  /** Batches running at once (2: the next batch's CPU work overlaps the previous one's database wait). */
  maxInFlight: number;
}

/**
 * `run` settles each item of its batch on its own (a failure of one is that caller's failure only).
 * `previous` settles when the batch started before this one has ended: a runner that must keep the
 * items' order across batches (first come, first logged) waits on it before its commit, while the rest
 * of its work overlaps the previous batch.
 */
export type BatchRunner<T, R> = (items: T[], previous: Promise<void>) => Promise<PromiseSettledResult<R>[]>;

export interface Batcher<T, R> {
  (item: T): Promise<R>;
  /** Resolves once no batch is running or waiting. */
  idle(): Promise<void>;
}

export function createBatcher<T, R>(run: BatchRunner<T, R>, options: BatcherOptions): Batcher<T, R> {
  const pending: { item: T; resolve(value: R): void; reject(error: unknown): void }[] = [];
  let inFlight = 0;
  let scheduled = false;
  let idleWaiters: (() => void)[] = [];
  let last: Promise<void> = Promise.resolve();

  const pump = (): void => {
    scheduled = false;
    while (inFlight < options.maxInFlight && pending.length > 0) {
      const batch = pending.splice(0, options.maxBatch);
      inFlight += 1;
      const running = run(batch.map((b) => b.item), last);
      last = running.then(
        () => undefined,
        () => undefined,
      );
      running
        .then(
          (settled) =>
            batch.forEach((b, i) => {
              const r = settled[i];
              if (!r) b.reject(new Error('the batch returned no result for this item'));
              else if (r.status === 'fulfilled') b.resolve(r.value);
              else b.reject(r.reason);
            }),
          (error: unknown) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          inFlight -= 1;
          if (pending.length > 0) schedule();
          else if (inFlight === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            waiters.forEach((w) => w());
          }
        });
    }
  };
  // setImmediate, not now: the calls made in this turn of the event loop (data read from several
  // sockets at once, several jobs fetched at once) join the same batch.
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  };

  const batcher = ((item: T) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      schedule();
    })) as Batcher<T, R>;
  batcher.idle = () => (inFlight === 0 && pending.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)));
  return batcher;
}
