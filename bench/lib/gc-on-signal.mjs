// Preloaded into the benchmark's child processes (worker and bare client, both run with --expose-gc):
// SIGUSR2 runs a full garbage collection, so RSS is read after the same clean-up on both sides rather
// than at whatever point each process's collector happened to be.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
});
