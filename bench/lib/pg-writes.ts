// Rows written to the bench database, per table, as PostgreSQL counts them (pg_stat_user_tables):
// the fleet-steady scenario's "writes per reply" and "writes per idle inbox". Backends report their
// counts when idle, at most once a second (up to ~10 s late), which the scenario's window dwarfs.
import type postgres from 'postgres';

export type TableWrites = Map<string, { inserted: number; updated: number; deleted: number }>;

/** The benchmark's own side table (the commit clock) is left out: the product does not write it. */
const BENCH_TABLES = new Set(['bench_commit_times']);

export async function tableWrites(sql: postgres.Sql): Promise<TableWrites> {
  const rows = await sql<{ relname: string; ins: number; upd: number; del: number }[]>`
    SELECT relname, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd, n_tup_del::float8 AS del FROM pg_stat_user_tables`;
  return new Map(rows.filter((r) => !BENCH_TABLES.has(r.relname)).map((r) => [r.relname, { inserted: r.ins, updated: r.upd, deleted: r.del }]));
}

/** `after` − `before`, tables with no writes left out. */
export function writesBetween(before: TableWrites, after: TableWrites): Record<string, { inserted: number; updated: number; deleted: number }> {
  const out: Record<string, { inserted: number; updated: number; deleted: number }> = {};
  for (const [table, a] of after) {
    const b = before.get(table) ?? { inserted: 0, updated: 0, deleted: 0 };
    const d = { inserted: a.inserted - b.inserted, updated: a.updated - b.updated, deleted: a.deleted - b.deleted };
    if (d.inserted || d.updated || d.deleted) out[table] = d;
  }
  return out;
}
