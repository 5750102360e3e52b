// Gathers the calls made while a batch is being collected (up to `maxSize`, or until the event loop
// has run the other jobs' steps: one macrotask) into one call of `run`, so a hundred jobs running at
// once cost one query where they would cost a hundred. Each caller gets its own result, or the batch's
// error.
export interface BatcherOptions {
  maxSize?: number;
}

export function createBatcher<In, Out>(run: (inputs: In[]) => Promise<Out[]>, options: BatcherOptions = {}): (input: In) => Promise<Out> {
  const maxSize = options.maxSize ?? 200;
  let pending: { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    run(batch.map((p) => p.input)).then(
      (outs) => batch.forEach((p, i) => p.resolve(outs[i]!)),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  };

  return (input) =>
    new Promise<Out>((resolve, reject) => {
      pending.push({ input, resolve, reject });
      if (pending.length >= maxSize) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
