// No secret in any log line: a session of requests carrying a key, a password (a connect that fails
// and one that succeeds), an Idempotency-Key and a body, plus an unexpected error, leaves none of them
// in the captured log; and the redaction itself covers what code might log by mistake.
import { parseApiKey } from '@reply-sync/db';
import { createMailUser, stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('the log', () => {
  it('holds no key, password, token or body after a session of requests', async () => {
    const a = await api.account();
    const key = await a.key(['read', 'write']);
    const mailUser = await createMailUser({ profile: 'standard' });
    await a.s.users.add({ email: mailUser.address });
    const p = stack.profiles.standard;
    const body = (password: string) => ({ userEmail: mailUser.address, address: mailUser.address, imap: { host: p.host, port: p.imapPort, tls: 'starttls' }, username: mailUser.user, password });
    const wrongPassword = 'wrong-Pa55word-for-the-log-test';
    const bodyText = 'a-contact-name-that-is-body-text';
    expect((await api.app.inject({ method: 'POST', url: '/v1/inboxes', headers: bearer(key), payload: body(wrongPassword) })).statusCode).toBe(422);
    expect((await api.app.inject({ method: 'POST', url: '/v1/inboxes', headers: { ...bearer(key), 'idempotency-key': 'idem-secret-1' }, payload: body(mailUser.password) })).statusCode).toBe(201);
    await api.app.inject({ method: 'POST', url: '/v1/contacts', headers: bearer(key), payload: { email: 'x@acme.test', name: bodyText } });
    await api.app.inject({ method: 'GET', url: '/v1/inboxes', headers: bearer(`${key}x`) });

    const log = api.logs.join('');
    expect(log).toContain('"statusCode":201');
    for (const secret of [key, parseApiKey(key)!.secret, mailUser.password, wrongPassword, 'idem-secret-1', bodyText, 'Bearer']) expect(log).not.toContain(secret);
  });

  it('redacts secrets and bodies that code hands to the logger', () => {
    api.app.log.info(
      { password: 'p-1', token: 'tok-2', refreshToken: 'ref-3', secret: 's-4', body: 'body-5', email: { text: 'text-6', html: 'html-7' }, credentials: { password: 'p-8' }, req: { headers: { authorization: 'Bearer k-9' } } },
      'careless',
    );
    const line = api.logs.find((l) => l.includes('careless'))!;
    expect(line).toBeDefined();
    for (const secret of ['p-1', 'tok-2', 'ref-3', 's-4', 'body-5', 'text-6', 'html-7', 'p-8', 'k-9']) expect(line).not.toContain(secret);
    expect(line).toContain('[redacted]');
  });
});
