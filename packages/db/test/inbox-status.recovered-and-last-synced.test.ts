// Honest status: a run of transient errors that ends is kept in the history as `recovered` and is no
// longer the inbox's current error (a disconnected inbox keeps its reason and errors); last_synced_at
// is set by every committed checkpoint, by the end of a run, and by a throttled touch.
import { describe, expect, it } from 'vitest';
import { RECOVERED_REASON } from '../src/schema';
import { SYNCED_TOUCH_INTERVAL_MS } from '../src/queries/sync-health';
import { inboxInput, newAccount, testKeys, useDb } from './helpers';

describe('a run of transient errors that ends', () => {
  const ctx = useDb();

  it('endErrorRun keeps the error in the history as recovered, clears it from the inbox and counts as synced', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const first = await s.inboxes.recordTransientError(inbox.id, 'getaddrinfo ENOTFOUND imap.example');
    await s.inboxes.recordTransientError(inbox.id, 'connect ETIMEDOUT 10.0.0.1:993');
    const during = (await s.inboxes.get(inbox.id))!;
    expect(during).toMatchObject({ status: 'connected', lastError: 'connect ETIMEDOUT 10.0.0.1:993', lastSyncedAt: null });

    expect(await s.inboxes.endErrorRun(inbox.id)).toBe(true);
    const after = (await s.inboxes.get(inbox.id))!;
    expect(after).toMatchObject({ status: 'connected', lastError: null, lastErrorAt: null, firstErrorAt: null });
    expect(after.lastSyncedAt).toBeInstanceOf(Date);
    const [recovered, ...older] = await s.inboxes.history(inbox.id);
    expect(recovered).toMatchObject({
      status: 'connected',
      reasonCode: RECOVERED_REASON,
      detail: 'connect ETIMEDOUT 10.0.0.1:993',
      firstErrorAt: first.firstErrorAt,
      lastErrorAt: during.lastErrorAt,
    });
    expect(recovered!.at.getTime()).toBe(after.lastSyncedAt!.getTime());
    expect(older.map((h) => [h.status, h.reasonCode])).toEqual([['connected', null]]);

    // Nothing left to end: no second row.
    expect(await s.inboxes.endErrorRun(inbox.id)).toBe(false);
    expect(await s.inboxes.history(inbox.id)).toHaveLength(2);
  });

  it('a run that ended in a disconnect stays: the reason and the error are the current state, no recovered row', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    await s.inboxes.recordTransientError(inbox.id, 'connect ECONNREFUSED 127.0.0.1:1');
    await s.inboxes.markDisconnected(inbox.id, 'server_unreachable', 'connect ECONNREFUSED 127.0.0.1:1');
    expect(await s.inboxes.endErrorRun(inbox.id)).toBe(false);
    expect(await s.inboxes.get(inbox.id)).toMatchObject({
      status: 'disconnected',
      disconnectReason: 'server_unreachable',
      lastError: 'connect ECONNREFUSED 127.0.0.1:1',
      lastSyncedAt: null,
    });
    expect((await s.inboxes.history(inbox.id)).map((h) => h.reasonCode)).toEqual(['server_unreachable', null]);
  });

  it('markConnected ends a run the same way for a connected inbox; coming back from disconnected the disconnect row holds it', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    await s.inboxes.recordTransientError(inbox.id, 'ECONNRESET');
    expect((await s.inboxes.markConnected(inbox.id)).changed).toBe(false);
    expect(await s.inboxes.get(inbox.id)).toMatchObject({ lastError: null, firstErrorAt: null });
    expect((await s.inboxes.history(inbox.id))[0]).toMatchObject({ reasonCode: RECOVERED_REASON, detail: 'ECONNRESET' });

    await s.inboxes.recordTransientError(inbox.id, 'ETIMEDOUT');
    await s.inboxes.markDisconnected(inbox.id, 'server_unreachable', 'ETIMEDOUT');
    expect((await s.inboxes.markConnected(inbox.id)).changed).toBe(true);
    expect(await s.inboxes.get(inbox.id)).toMatchObject({ status: 'connected', lastError: null, firstErrorAt: null });
    expect((await s.inboxes.history(inbox.id)).map((h) => [h.status, h.reasonCode])).toEqual([
      ['connected', null],
      ['disconnected', 'server_unreachable'],
      ['connected', RECOVERED_REASON],
      ['connected', null],
    ]);
  });

  it('latestRecoveries gives the newest recovered run of each inbox asked for, of this account only', async () => {
    const { s } = await newAccount(ctx.handle);
    const twice = await s.inboxes.create(inboxInput(), testKeys());
    const never = await s.inboxes.create(inboxInput(), testKeys());
    for (const error of ['ECONNRESET', 'ETIMEDOUT']) {
      await s.inboxes.recordTransientError(twice.id, error);
      await s.inboxes.endErrorRun(twice.id);
    }
    const latest = await s.inboxes.latestRecoveries([twice.id, never.id]);
    expect([...latest.keys()]).toEqual([twice.id]);
    expect(latest.get(twice.id)).toMatchObject({ reasonCode: RECOVERED_REASON, detail: 'ETIMEDOUT' });
    await expect((await newAccount(ctx.handle)).s.inboxes.latestRecoveries([twice.id])).resolves.toEqual(new Map());
  });
});

describe('last_synced_at', () => {
  const ctx = useDb();

  async function syncedAt(s: Awaited<ReturnType<typeof newAccount>>['s'], id: string) {
    return (await s.inboxes.get(id))!.lastSyncedAt;
  }

  it('is null until the first sync, then set by every committed checkpoint (saveCheckpoint and a decision batch)', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    expect(await syncedAt(s, inbox.id)).toBeNull();

    await s.inboxes.saveCheckpoint(ctx.handle.db, inbox.id, { uidvalidity: 1, lastUid: 10 });
    const baselined = await syncedAt(s, inbox.id);
    expect(baselined).toBeInstanceOf(Date);

    // A batch of decisions alone is not a checkpoint; with its checkpoint (the CTE) it is.
    await s.decisions.record([{ inboxId: inbox.id, uidvalidity: 1, uid: 11, messageId: null, reasonCode: 'not_a_reply' }]);
    expect(await syncedAt(s, inbox.id)).toEqual(baselined);
    await s.decisions.record([{ inboxId: inbox.id, uidvalidity: 1, uid: 12, messageId: null, reasonCode: 'not_a_reply' }], { inboxId: inbox.id, uidvalidity: 1, lastUid: 12 });
    expect((await syncedAt(s, inbox.id))!.getTime()).toBeGreaterThan(baselined!.getTime());
  });

  it('touchSynced writes when the value is missing or older than the interval, and not while it is fresh', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const before = (await s.inboxes.get(inbox.id))!.updatedAt;
    expect(await s.inboxes.touchSynced(inbox.id)).toBe(true);
    const touched = await syncedAt(s, inbox.id);
    expect(touched).toBeInstanceOf(Date);
    expect((await s.inboxes.get(inbox.id))!.updatedAt).toEqual(before);

    expect(await s.inboxes.touchSynced(inbox.id)).toBe(false);
    expect(await syncedAt(s, inbox.id)).toEqual(touched);

    // Make the stored value older than the interval: the next touch writes again.
    await ctx.handle.sql`update inboxes set last_synced_at = now() - ${SYNCED_TOUCH_INTERVAL_MS + 1000} * interval '1 millisecond' where id = ${inbox.id}`;
    const old = await syncedAt(s, inbox.id);
    expect(await s.inboxes.touchSynced(inbox.id)).toBe(true);
    expect((await syncedAt(s, inbox.id))!.getTime()).toBeGreaterThan(old!.getTime() + SYNCED_TOUCH_INTERVAL_MS);

    // Another account's inbox is not touched.
    const other = await newAccount(ctx.handle);
    expect(await other.s.inboxes.touchSynced(inbox.id, 0)).toBe(false);
  });
});
