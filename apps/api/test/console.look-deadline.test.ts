// The console's "look in the folders" has an overall deadline: against a loopback mail server that greets
// and then never answers, the page comes back by the deadline (not the IMAP client's five-minute socket
// timeout) and says in the user's language that the mailbox did not answer in time, naming the inbox.
import { parseEncryptionKeys } from '@reply-sync/db';
import { stack, startLineServer, uniqueName, type LineServer } from '@reply-sync/testkit';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_LOOK_DEADLINE_MS } from '../src/console/console-pages';
import { startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let stalling: LineServer;
const PASSWORD = 'a long console password';
const stamp = uniqueName('console-look');

beforeAll(async () => {
  api = await startTestApi();
  a = await api.account();
  // Greets like an IMAP server, then never answers a command (CAPABILITY, STARTTLS, LOGIN...).
  stalling = await startLineServer((socket) => {
    socket.write('* OK IMAP4rev1 Service Ready\r\n');
    return () => undefined;
  });
});
afterAll(async () => {
  await stalling?.close();
  await api?.close();
});

const cookieOf = (r: LightMyRequestResponse, name: string) => ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
const valueOf = (setCookie: string | undefined) => setCookie?.split(';')[0]?.split('=')[1] ?? '';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function supportSession(t: TestAccount) {
  const email = `support-${stamp}@example.com`;
  await t.s.consoleUsers.create({ email, password: PASSWORD, role: 'support' });
  const login = await api.app.inject({ method: 'GET', url: '/console/login' });
  const loginCsrf = valueOf(cookieOf(login, 'rs_console_login'));
  const signed = await api.app.inject({
    method: 'POST',
    url: '/console/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `rs_console_login=${loginCsrf}` },
    payload: form({ email, password: PASSWORD, _csrf: loginCsrf }),
  });
  expect(signed.statusCode).toBe(303);
  const cookie = `rs_console=${valueOf(cookieOf(signed, 'rs_console'))}`;
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await api.app.inject({ method: 'GET', url: '/console/inboxes', headers: { cookie } })).body)![1]!;
  return (url: string, fields: Record<string, string>, lang = 'en') =>
    api.app.inject({ method: 'POST', url, headers: { cookie, 'accept-language': lang, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ ...fields, _csrf: csrf }) });
}

describe('console look for a message', () => {
  it('answers by its deadline with a sentence naming the inbox whose server did not answer in time', async () => {
    const user = await a.s.users.add({ email: `stall-${stamp}@mail.test`, name: 'Stall' });
    await a.s.inboxes.create(
      { kind: 'personal', userId: user.id, address: user.email, imapHost: '127.0.0.1', imapPort: stalling.port, imapTls: 'starttls', username: 'stall', credentials: { password: 'pw' } },
      parseEncryptionKeys(stack.encryptionKeys),
    );
    const post = await supportSession(a);
    const started = Date.now();
    const r = await post('/console/explain/look', { messageId: `<never-${stamp}@acme.example>` });
    const tookMs = Date.now() - started;
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).toContain('A mailbox did not answer in time');
    expect(r.body).toContain(`The mail server of ${user.email} did not answer within ${CONSOLE_LOOK_DEADLINE_MS / 1000} seconds`);
    // By the console's deadline, not the IMAP client's socket timeout (minutes).
    expect(tookMs).toBeGreaterThanOrEqual(CONSOLE_LOOK_DEADLINE_MS - 1_000);
    expect(tookMs).toBeLessThan(CONSOLE_LOOK_DEADLINE_MS + 10_000);
    // Nothing was recorded for the inbox it could not search.
    expect(await a.s.decisions.forMessageId(`<never-${stamp}@acme.example>`)).toEqual([]);
  }, 60_000);
});
