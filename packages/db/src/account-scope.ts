// The helper every tenant query is built with: it adds `account_id = <this account>` to each
// statement, so a query written through it cannot forget the account.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client';
import { DbError } from './errors';

type TenantTable = PgTable & { accountId: PgColumn; id?: PgColumn };

export interface AccountScope {
  readonly accountId: string;
  /** `table.account_id = accountId AND ...conditions` */
  where(table: TenantTable, ...conditions: (SQL | undefined)[]): SQL;
  /** Throws not_in_account unless every id is a row of this account in `table`. */
  assertOwned(db: DbOrTx, table: TenantTable & { id: PgColumn }, ids: readonly string[], what: string): Promise<void>;
}

export function accountScope(accountId: string): AccountScope {
  const where: AccountScope['where'] = (table, ...conditions) =>
    and(eq(table.accountId, accountId), ...conditions) as SQL;
  return {
    accountId,
    where,
    async assertOwned(db, table, ids, what) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return;
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(table)
        .where(where(table, inArray(table.id, unique)));
      if ((row?.n ?? 0) !== unique.length) {
        throw new DbError('not_in_account', `One or more ${what} do not exist in this account.`);
      }
    },
  };
}
