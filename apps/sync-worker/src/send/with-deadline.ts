// Bounds an await on something that can stall (a socket, a token endpoint): the libraries' own socket
// timeouts are per inactivity, so a peer that trickles bytes, or a callback that is never called, would
// otherwise keep a send job active (and its lock renewed) forever.
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // The loser may still settle later; its rejection must not become an unhandled one.
    work.catch(() => undefined);
  }
}
