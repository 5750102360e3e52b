// The messages this process has just spooled, kept in memory for its own processor: a job whose row is
// here is decided without reading the row (and its bytes, sent back as hex) from PostgreSQL again. Only
// a cache: a row taken from here is still decided on the condition that it is spooled (another process,
// or a retry, may have decided it), and a job whose row is not here (evicted, another process's, a retry)
// reads it from the database. Bounded by bytes, oldest out first.
import type { InboundMessageRow } from '@reply-sync/db';

export interface SpoolHandoff {
  put(row: InboundMessageRow): void;
  /** The row, once (a retry reads the database). */
  take(id: string): InboundMessageRow | undefined;
}

export function createSpoolHandoff(maxBytes = 64 * 1024 * 1024): SpoolHandoff {
  const rows = new Map<string, InboundMessageRow>();
  let bytes = 0;
  return {
    put(row) {
      const size = row.raw?.length ?? 0;
      if (size > maxBytes / 4) return;
      rows.set(row.id, row);
      bytes += size;
      for (const [id, old] of rows) {
        if (bytes <= maxBytes) break;
        rows.delete(id);
        bytes -= old.raw?.length ?? 0;
      }
    },
    take(id) {
      const row = rows.get(id);
      if (row) {
        rows.delete(id);
        bytes -= row.raw?.length ?? 0;
      }
      return row;
    },
  };
}
