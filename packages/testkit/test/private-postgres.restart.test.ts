// A PostgreSQL of a run's own really restarts: while stopped it refuses connections, and once started
// again it has kept its data (the chaos suite's PostgreSQL fault).
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../src/index';

let pg: PrivatePostgres | undefined;
afterEach(async () => {
  await pg?.close();
  pg = undefined;
});

describe('startPrivatePostgres', () => {
  it('stops (connections refused) and starts again with its data kept', async () => {
    pg = await startPrivatePostgres();
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      await sql`CREATE TABLE kept (v int)`;
      await sql`INSERT INTO kept VALUES (7)`;
      await pg.stop();
      await expect(sql`SELECT 1`).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await pg.start();
      expect(await sql`SELECT v FROM kept`).toEqual([{ v: 7 }]);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});
