// An API caller is told the API way to fix an error: the operations' errors carry a next step, which the
// API words as a route (`POST /v1/users`) where the CLI names its command (`reply-sync user add`). Every
// step has both wordings, and the errors an API caller meets with one say the route. (helpers.ts also
// fails any API test file whose problem answers named a CLI command.)
import { randomUUID } from 'node:crypto';
import { NEXT_STEPS, nextStepText, parseEncryptionKeys, type NextStep } from '@reply-sync/db';
import { OperationError } from '@reply-sync/operations';
import { stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CLI_COMMAND, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let key: string;
beforeAll(async () => {
  api = await startTestApi();
  a = await api.account();
  key = await a.key(['read', 'write', 'support']);
});
afterAll(async () => {
  await api?.close();
});

const call = (method: string, url: string, payload?: object) => api.app.inject({ method: method as 'GET', url, headers: bearer(key), ...(payload ? { payload } : {}) });

describe('next steps', () => {
  it.each(NEXT_STEPS)('%s: a CLI command for the CLI, an API route for the API', (name) => {
    const step = { step: name, email: 'ana@mail.test', name: 'Acme', inboxId: randomUUID() } as NextStep;
    expect(nextStepText(step, 'cli')).toMatch(CLI_COMMAND);
    const api = nextStepText(step, 'api');
    expect(api).not.toMatch(/reply-sync/);
    expect(api).toMatch(/`(GET|POST|DELETE) \/v1\/[a-z/{}0-9-]+`/);
  });

  it('keeps the CLI message and gives the API its own sentence from the same error', () => {
    const error = new OperationError('user_not_found', 'There is no user ana@mail.test in this account.', undefined, { step: 'add_user', email: 'ana@mail.test' });
    expect(error.message).toBe('There is no user ana@mail.test in this account. Add them with `reply-sync user add --email ana@mail.test`.');
    expect(error.sentenceFor('api')).toBe('There is no user ana@mail.test in this account. Add them with `POST /v1/users`.');
  });
});

describe('problems an API caller meets', () => {
  it('name the API route to use, never a CLI command', async () => {
    const nobody = `nobody-${randomUUID().slice(0, 8)}@mail.test`;
    const checks: [string, Promise<{ json(): any }>, string, string][] = [
      ['user_not_found', call('POST', '/v1/inboxes', { userEmail: nobody, address: nobody, imap: { host: '127.0.0.1', port: 51143, tls: 'starttls' }, username: 'x', password: 'pw' }), 'user_not_found', 'POST /v1/users'],
      [
        'company_not_found',
        (async () => {
          const user = await a.s.users.add({ email: `ana-${randomUUID().slice(0, 8)}@mail.test` });
          const raw = Buffer.from(`From: ${user.email}\r\nTo: bob@acme.test\r\nMessage-ID: <${randomUUID()}@mail.test>\r\nSubject: x\r\n\r\nhi\r\n`).toString('base64');
          return call('POST', '/v1/emails/log', { raw, userEmail: user.email, companies: ['No Such Company'] });
        })(),
        'company_not_found',
        'POST /v1/companies',
      ],
      [
        'inbox_removed',
        (async () => {
          const user = await a.s.users.add({ email: `box-${randomUUID().slice(0, 8)}@mail.test` });
          const inbox = await a.s.inboxes.create({ kind: 'personal', userId: user.id, address: user.email, imapHost: '127.0.0.1', imapPort: 51143, imapTls: 'starttls', username: 'x', credentials: { password: 'pw' } }, parseEncryptionKeys(stack.encryptionKeys));
          await a.s.inboxes.remove(inbox.id);
          return call('POST', `/v1/inboxes/${inbox.id}/reconnect`, { password: 'pw' });
        })(),
        'inbox_removed',
        'POST /v1/inboxes',
      ],
      ['api_key_missing', api.app.inject({ method: 'GET', url: '/v1/users' }), 'api_key_missing', 'Authorization: Bearer'],
    ];
    for (const [what, response, code, route] of checks) {
      const problem = (await response).json();
      expect(problem.code, what).toBe(code);
      expect(problem.detail, what).toContain(route);
      expect(problem.detail, what).not.toMatch(CLI_COMMAND);
    }
  });
});
