// Inboxes over the API, against the real Dovecot: connect logs in before saving (a wrong password saves
// nothing and answers its reason and sentence; POP3 is refused), the same Idempotency-Key connects once,
// show has the status history, decisions page newest first and filter by reason, remove.
import { createMailUser, setPassword, stack, type MailUser } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let mailUser: MailUser;
let key: string;
beforeAll(async () => {
  api = await startTestApi();
  a = await api.account();
  mailUser = await createMailUser({ profile: 'standard' });
  await a.s.users.add({ email: mailUser.address, name: 'Ana' });
  key = await a.key(['read', 'write']);
});
afterAll(async () => {
  await api?.close();
});

const p = () => stack.profiles.standard;
const connectBody = (password: string) => ({
  userEmail: mailUser.address,
  address: mailUser.address,
  imap: { host: p().host, port: p().imapPort, tls: 'starttls' },
  username: mailUser.user,
  password,
});
const post = (url: string, payload: object, headers: Record<string, string> = {}) => api.app.inject({ method: 'POST', url, payload, headers: { ...bearer(key), ...headers } });

describe('POST /v1/inboxes', () => {
  it('refuses POP3 settings with the IMAP settings to use, and saves nothing', async () => {
    const r = await post('/v1/inboxes', { ...connectBody('x'), imap: { host: 'pop.example.com', port: 995, tls: 'tls' } });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'pop3_not_supported', detail: expect.stringContaining('POP3') });
    expect(await a.s.inboxes.list()).toEqual([]);
  });

  it('logs in before saving: a wrong password answers its reason and saves nothing', async () => {
    const r = await post('/v1/inboxes', connectBody('not-the-password'));
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'password_rejected', status: 422, detail: expect.stringContaining(mailUser.address) });
    expect(await a.s.inboxes.list()).toEqual([]);
  });

  it('connects once for one Idempotency-Key, replays the response, and refuses the key with another body', async () => {
    const first = await post('/v1/inboxes', connectBody(mailUser.password), { 'idempotency-key': 'connect-1' });
    expect(first.statusCode).toBe(201);
    const inbox = first.json().inbox;
    expect(inbox).toMatchObject({ address: mailUser.address, status: 'connected', ownerEmail: mailUser.address, authKind: 'password', history: [expect.objectContaining({ status: 'connected' })] });
    expect(first.json().hasIdle).toBe(true);
    expect(JSON.stringify(first.json())).not.toContain(mailUser.password);

    const again = await post('/v1/inboxes', connectBody(mailUser.password), { 'idempotency-key': 'connect-1' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().inbox.id).toBe(inbox.id);
    expect((await a.s.inboxes.list()).map((i) => i.id)).toEqual([inbox.id]);

    const other = await post('/v1/inboxes', { ...connectBody(mailUser.password), aliases: ['other@example.com'] }, { 'idempotency-key': 'connect-1' });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
  });
});

describe('GET /v1/inboxes and their decisions', () => {
  it('shows the inbox with its history, pages its decisions newest first and filters them by reason', async () => {
    const [inbox] = await a.s.inboxes.list();
    const listed = await api.app.inject({ method: 'GET', url: '/v1/inboxes', headers: bearer(key) });
    expect(listed.json()).toMatchObject({ data: [expect.objectContaining({ id: inbox!.id, status: 'connected', lastSyncedAt: null })], nextCursor: null });

    const reasons = ['not_a_reply', 'sender_not_contact', 'not_a_reply', 'auto_reply', 'not_a_reply'] as const;
    await a.s.decisions.record(
      reasons.map((reasonCode, i) => ({ inboxId: inbox!.id, uidvalidity: 1, uid: i + 1, messageId: `<m${i}@example.com>`, reasonCode, fromAddress: 'x@example.com', subject: `s${i}` })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await api.app.inject({ method: 'GET', url: `/v1/inboxes/${inbox!.id}/decisions?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(key) })).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((d: any) => d.messageId));
      cursor = page.nextCursor;
    } while (cursor);
    // One batch shares one created_at: newest first is then by id, and every decision comes exactly once.
    expect(seen.sort()).toEqual(reasons.map((_, i) => `<m${i}@example.com>`).sort());

    const filtered = (await api.app.inject({ method: 'GET', url: `/v1/inboxes/${inbox!.id}/decisions?reason=not_a_reply`, headers: bearer(key) })).json();
    expect(filtered.data).toHaveLength(3);
    expect(filtered.data[0]).toMatchObject({ reasonCode: 'not_a_reply', decision: 'skipped', sentence: expect.any(String) });

    const bad = await api.app.inject({ method: 'GET', url: `/v1/inboxes/${inbox!.id}/decisions?reason=nonsense`, headers: bearer(key) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_request', errors: [expect.objectContaining({ path: expect.stringContaining('reason') })] });
  });

  it('reconnects with a new password only once the login with it works', async () => {
    const [inbox] = await a.s.inboxes.list();
    await a.s.inboxes.markDisconnected(inbox!.id, 'password_rejected', 'AUTHENTICATIONFAILED');
    const changed = await setPassword(mailUser, `new-${mailUser.password}`);
    const stale = await post(`/v1/inboxes/${inbox!.id}/reconnect`, { password: mailUser.password });
    expect(stale.statusCode).toBe(422);
    expect(stale.json().code).toBe('password_rejected');
    expect((await a.s.inboxes.get(inbox!.id))?.status).toBe('disconnected');

    const ok = await post(`/v1/inboxes/${inbox!.id}/reconnect`, { password: changed.password });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().inbox).toMatchObject({ id: inbox!.id, status: 'connected', reason: null });
    expect(ok.json().inbox.history.map((h: any) => h.status).slice(0, 2)).toEqual(['connected', 'disconnected']);
    mailUser = changed;
  });

  it('removes the inbox: status removed, with a history row', async () => {
    const [inbox] = await a.s.inboxes.list();
    const r = await api.app.inject({ method: 'DELETE', url: `/v1/inboxes/${inbox!.id}`, headers: bearer(key) });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: inbox!.id, status: 'removed' });
    expect(r.json().history[0]).toMatchObject({ status: 'removed' });
  });
});
