// Inbox status changes write a history row only when (status, reason) changes; transient errors are
// recorded without changing the status; reconnect starts a new connected period and bumps the
// credentials version.
import { describe, expect, it } from 'vitest';
import { connectedInboxIds } from '../src/system-queries';
import { inboxInput, newAccount, testKeys, useDb } from './helpers';

describe('inbox status history', () => {
  const ctx = useDb();

  it('writes a row only when the status or reason changes', async () => {
    const keys = testKeys();
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), keys);

    expect((await s.inboxes.markConnected(inbox.id)).changed).toBe(false);
    const first = await s.inboxes.markDisconnected(inbox.id, 'password_rejected', 'AUTHENTICATIONFAILED Invalid credentials');
    expect(first).toMatchObject({ changed: true, status: 'disconnected', reason: 'password_rejected' });
    expect((await s.inboxes.markDisconnected(inbox.id, 'password_rejected', 'again')).changed).toBe(false);
    expect((await s.inboxes.markDisconnected(inbox.id, 'server_unreachable', 'ECONNREFUSED')).changed).toBe(true);
    expect((await connectedInboxIds(ctx.handle.db)).some((k) => k.inboxId === inbox.id)).toBe(false);

    const history = await s.inboxes.history(inbox.id);
    expect(history.map((h) => [h.status, h.reasonCode])).toEqual([
      ['disconnected', 'server_unreachable'],
      ['disconnected', 'password_rejected'],
      ['connected', null],
    ]);
    expect((await s.inboxes.get(inbox.id))?.disconnectDetail).toBe('ECONNREFUSED');
  });

  it('records transient errors without a status change and keeps when the run started', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const a = await s.inboxes.recordTransientError(inbox.id, 'getaddrinfo ENOTFOUND imap.example');
    const b = await s.inboxes.recordTransientError(inbox.id, 'ETIMEDOUT');
    expect(a.changed).toBe(false);
    expect(b.firstErrorAt).toEqual(a.firstErrorAt);
    const got = await s.inboxes.get(inbox.id);
    expect(got).toMatchObject({ status: 'connected', lastError: 'ETIMEDOUT' });
    expect((await s.inboxes.markConnected(inbox.id)).firstErrorAt).toBeNull();
    // The status did not change; the run that ended is kept as a `recovered` row (see inbox-status.recovered-and-last-synced).
    expect((await s.inboxes.history(inbox.id)).map((h) => [h.status, h.reasonCode])).toEqual([['connected', 'recovered'], ['connected', null]]);
  });

  it('records a throttled answer as the last error without starting a run (it never counts toward server_unreachable)', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    const throttled = await s.inboxes.recordTransientError(inbox.id, 'Gmail is slowing down IMAP requests ([THROTTLED])', { throttled: true });
    expect(throttled.firstErrorAt).toBeNull();
    expect(await s.inboxes.get(inbox.id)).toMatchObject({ status: 'connected', firstErrorAt: null, lastError: expect.stringContaining('[THROTTLED]') });
    const run = await s.inboxes.recordTransientError(inbox.id, 'ETIMEDOUT');
    expect(run.firstErrorAt).not.toBeNull();
    // a throttle inside a run leaves the run's start alone
    expect((await s.inboxes.recordTransientError(inbox.id, 'throttled again', { throttled: true })).firstErrorAt).toEqual(run.firstErrorAt);
  });

  it('endErrorRun ends the run of a connected inbox and never brings a disconnected or removed one back', async () => {
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys());
    await s.inboxes.recordTransientError(inbox.id, 'ETIMEDOUT');
    expect(await s.inboxes.endErrorRun(inbox.id)).toBe(true);
    expect(await s.inboxes.get(inbox.id)).toMatchObject({ status: 'connected', firstErrorAt: null, lastError: null });

    await s.inboxes.recordTransientError(inbox.id, 'ETIMEDOUT');
    await s.inboxes.markDisconnected(inbox.id, 'oauth_revoked', 'invalid_grant');
    expect(await s.inboxes.endErrorRun(inbox.id)).toBe(false);
    expect(await s.inboxes.get(inbox.id)).toMatchObject({ status: 'disconnected', disconnectReason: 'oauth_revoked' });
    await s.inboxes.remove(inbox.id);
    expect(await s.inboxes.endErrorRun(inbox.id)).toBe(false);
    expect((await s.inboxes.history(inbox.id)).map((h) => h.reasonCode ?? h.status)).toEqual(['removed', 'oauth_revoked', 'recovered', 'connected']);
  });

  it('reconnect clears the reason, bumps credentials_version, restarts connected_since and keeps last_uid', async () => {
    const keys = testKeys();
    const { s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), keys);
    await s.inboxes.saveCheckpoint(ctx.handle.db, inbox.id, { uidvalidity: 7, lastUid: 42 });
    await s.inboxes.markDisconnected(inbox.id, 'password_rejected', 'nope');
    const before = await s.inboxes.get(inbox.id);

    const result = await s.inboxes.reconnect(inbox.id, { password: 'new password' }, keys);
    expect(result).toMatchObject({ changed: true, status: 'connected', reason: null, credentialsVersion: 2 });
    const after = await s.inboxes.get(inbox.id);
    expect(after).toMatchObject({ disconnectReason: null, disconnectDetail: null, lastError: null, lastUid: 42, uidvalidity: 7 });
    expect(after!.connectedSince!.getTime()).toBeGreaterThan(before!.connectedSince!.getTime());
    expect((await s.inboxes.getWithCredentials(inbox.id, keys))?.credentials).toEqual({ password: 'new password' });
    expect((await connectedInboxIds(ctx.handle.db)).filter((k) => k.inboxId === inbox.id)).toEqual([
      { accountId: s.accountId, inboxId: inbox.id },
    ]);

    expect((await s.inboxes.remove(inbox.id)).changed).toBe(true);
    expect((await s.inboxes.markConnected(inbox.id)).status).toBe('removed');
    await expect(s.inboxes.reconnect(inbox.id, {}, keys)).rejects.toMatchObject({ code: 'inbox_removed' });
    const [raw] = await ctx.handle.sql`select credentials from inboxes where id = ${inbox.id}`;
    expect(raw!.credentials).toBeNull();
    expect((await s.inboxes.history(inbox.id)).map((h) => h.status)).toEqual(['removed', 'connected', 'disconnected', 'connected']);
    expect(await s.inboxes.list()).toEqual([]);
  });
});
