// logReply refuses, at commit, a reply that arrived once the inbox was no longer connected, whatever
// the session that read it believed: a worker that has not yet heard of the disconnect (its decide()
// ran with a stale "connected" inbox) still cannot put the reply on the timeline. INTERNALDATE has
// whole seconds, so the second in which the status changed counts with the new status.
import { describe, expect, it } from 'vitest';
import { waitFor } from '@reply-sync/testkit';
import { createDb } from '../src/client';
import type { Scoped } from '../src/scoped';
import { DATABASE_URL, newAccount, useDb } from './helpers';
import { replyInput, seedThread, type Scene } from './fixtures';

const SECOND = 1000;
const floorToSecond = (d: Date) => new Date(Math.floor(d.getTime() / SECOND) * SECOND);

/** Waits until the wall clock is in a later second than `d`, so the next status change lands in a second of its own. */
async function nextSecondAfter(d: Date): Promise<void> {
  const next = floorToSecond(d).getTime() + SECOND;
  await waitFor(() => Date.now() >= next || undefined, { what: 'the next second', timeoutMs: 3 * SECOND, intervalMs: 20 });
}

/** A reply with this INTERNALDATE, logged as the worker would; what a user then sees. */
async function commitArrivedAt(s: Scoped, scene: Scene, arrivedAt: Date, uid: number) {
  const input = await replyInput(s, scene, { uid, receivedAt: arrivedAt, sentAt: arrivedAt });
  const result = await s.emails.logReply(input);
  const onTimeline = (await s.timeline.forContact('bob@acme.test')).some((e) => e.messageId === input.messageId);
  const decisions = await s.decisions.forMessageId(input.messageId);
  return { result, onTimeline, decisions };
}

describe('emails.logReply after the inbox was disconnected', () => {
  const ctx = useDb();

  it('records inbox_disconnected, naming the moment, for a reply that arrived in or after the second of the disconnect', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    await nextSecondAfter(scene.inbox.connectedSince!);
    const change = await s.inboxes.markDisconnected(scene.inbox.id, 'oauth_revoked', 'invalid_grant: Token has been expired or revoked.');
    const disconnectedAt = change.statusSince;

    const later = await commitArrivedAt(s, scene, new Date(floorToSecond(disconnectedAt).getTime() + SECOND), 11);
    expect(later.result).toEqual({ inserted: false, emailId: null, reason: 'inbox_disconnected' });
    expect(later.onTimeline).toBe(false);
    expect(later.decisions).toMatchObject([{ reasonCode: 'inbox_disconnected', uid: 11 }]);
    expect(later.decisions[0]!.detail).toContain(`disconnected at ${disconnectedAt.toISOString()} (oauth_revoked)`);

    // Same second as the disconnect: INTERNALDATE cannot tell before from after, so it counts as after.
    const sameSecond = await commitArrivedAt(s, scene, floorToSecond(disconnectedAt), 12);
    expect(sameSecond.result.reason).toBe('inbox_disconnected');
    expect(sameSecond.onTimeline).toBe(false);

    // It arrived while the inbox was connected: logged, even though it is committed after the disconnect.
    const before = await commitArrivedAt(s, scene, new Date(floorToSecond(disconnectedAt).getTime() - SECOND), 13);
    expect(before.result).toMatchObject({ inserted: true, reason: 'logged' });
    expect(before.onTimeline).toBe(true);
  });

  it('holds for a removed inbox, and for one disconnected then removed (the moment is the first disconnect)', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const removed = await s.inboxes.remove(scene.inbox.id);
    const after = await commitArrivedAt(s, scene, new Date(floorToSecond(removed.statusSince).getTime() + SECOND), 21);
    expect(after.result.reason).toBe('inbox_disconnected');
    expect(after.decisions[0]!.detail).toContain(`removed at ${removed.statusSince.toISOString()}`);

    const other = await newAccount(ctx.handle);
    const scene2 = await seedThread(other.s);
    const disconnected = await other.s.inboxes.markDisconnected(scene2.inbox.id, 'password_rejected', '535 5.7.8 Authentication failed');
    await nextSecondAfter(disconnected.statusSince);
    await other.s.inboxes.remove(scene2.inbox.id);
    // Between the disconnect and the removal: status_since now says "removed", the history says disconnected.
    const between = await commitArrivedAt(other.s, scene2, floorToSecond(disconnected.statusSince), 22);
    expect(between.result.reason).toBe('inbox_disconnected');
    expect(between.decisions[0]!.detail).toContain(`disconnected at ${disconnected.statusSince.toISOString()} (password_rejected)`);
  });

  it('after a reconnect, refuses what arrived in the disconnected gap and logs what arrived since', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const disconnected = await s.inboxes.markDisconnected(scene.inbox.id, 'password_rejected', '535 5.7.8 Authentication failed');
    await nextSecondAfter(disconnected.statusSince);
    const reconnected = await s.inboxes.reconnect(scene.inbox.id, { password: 'new password' }, scene.keys);

    // Read by a session that still held the old credentials and never noticed the gap.
    const inGap = await commitArrivedAt(s, scene, floorToSecond(disconnected.statusSince), 31);
    expect(inGap.result.reason).toBe('inbox_disconnected');
    expect(inGap.onTimeline).toBe(false);
    const since = await commitArrivedAt(s, scene, floorToSecond(reconnected.statusSince), 32);
    expect(since.result).toMatchObject({ inserted: true, reason: 'logged' });
    expect(since.onTimeline).toBe(true);
  });

  it('waits for a disconnect that is committing at the same moment, then refuses: no check-then-insert gap', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const holder = createDb(DATABASE_URL, { max: 1 });
    let release!: () => void;
    try {
      // Hold markDisconnected half-way: its row lock taken and status updated, its history insert
      // (and so its commit) blocked behind this table lock.
      let locked!: () => void;
      const tableLocked = new Promise<void>((resolve) => (locked = resolve));
      const held = holder.sql.begin(async (tx) => {
        await tx`LOCK TABLE inbox_status_history IN SHARE MODE`;
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await tableLocked;
      const disconnecting = s.inboxes.markDisconnected(scene.inbox.id, 'oauth_revoked', 'invalid_grant');
      const waitingOnLock = (like: string) => async () => {
        const rows = await ctx.handle.sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike ${like}`;
        return rows.length > 0 ? true : undefined;
      };
      await waitFor(waitingOnLock('insert into "inbox_status_history"%'), { what: 'the disconnect to hold the inbox row, uncommitted', timeoutMs: 5_000, intervalMs: 20 });

      // A session that has not heard of the disconnect commits a reply that arrived just now.
      const input = await replyInput(s, scene, { uid: 41, receivedAt: new Date(), sentAt: new Date() });
      const logging = s.emails.logReply(input);
      await waitFor(waitingOnLock('%for key share%'), { what: 'logReply to wait for the disconnect', timeoutMs: 5_000, intervalMs: 20 });
      release();
      await held;
      const change = await disconnecting;
      expect(await logging).toEqual({ inserted: false, emailId: null, reason: 'inbox_disconnected' });
      expect(await s.emails.getByMessageId(input.messageId)).toBeNull();
      expect((await s.decisions.forMessageId(input.messageId))[0]?.detail).toContain(`disconnected at ${change.statusSince.toISOString()} (oauth_revoked)`);
    } finally {
      release?.();
      await holder.close();
    }
  });
});
