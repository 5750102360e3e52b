// PUT /v1/inboxes/:id/logging: marks an inbox as the account's catch-all logging mailbox with the folders
// the worker reads, or unmarks it; hostile folder lists are 400 with a code and a sentence that names no CLI
// command; another account's inbox is 404; a read-only key may not change it. The inbox's detail shows it.
import { parseEncryptionKeys } from '@reply-sync/db';
import { stack, uniqueName } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CLI_COMMAND, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
let other: TestAccount;
let key: string;
beforeAll(async () => {
  api = await startTestApi();
  a = await api.account();
  other = await api.account();
  key = await a.key(['read', 'write']);
});
afterAll(async () => {
  await api?.close();
});

const teamInbox = (t: TestAccount) =>
  t.s.inboxes.create(
    { kind: 'team', address: `${uniqueName('log')}@example.test`, imapHost: '127.0.0.1', imapPort: 143, imapTls: 'starttls', username: 'log', credentials: { password: 'p' } },
    parseEncryptionKeys(stack.encryptionKeys),
  );
const put = (id: string, payload: object, k = key) => api.app.inject({ method: 'PUT', url: `/v1/inboxes/${id}/logging`, payload, headers: bearer(k) });

describe('PUT /v1/inboxes/:id/logging', () => {
  it('marks and unmarks, refuses bad folders, hides other accounts, needs write', async () => {
    const inbox = await teamInbox(a);
    const marked = await put(inbox.id, { folders: ['inbox', 'Archive', 'Archive'] });
    expect(marked.statusCode).toBe(200);
    expect(marked.json()).toEqual({ id: inbox.id, address: inbox.address, logging: true, folders: ['INBOX', 'Archive'] });
    expect(await a.s.inboxes.get(inbox.id)).toMatchObject({ logging: true, loggingFolders: ['INBOX', 'Archive'] });
    const detail = await api.app.inject({ method: 'GET', url: `/v1/inboxes/${inbox.id}`, headers: bearer(key) });
    expect(detail.json()).toMatchObject({ id: inbox.id, logging: true, loggingFolders: ['INBOX', 'Archive'] });

    const bad = await put(inbox.id, { folders: ['Archive\r\nA1 DELETE INBOX'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_logging_folder' });
    expect(bad.json().detail).not.toMatch(CLI_COMMAND);
    expect((await put(inbox.id, { folders: [] })).statusCode).toBe(400); // the schema's own refusal

    const foreign = await teamInbox(other);
    expect((await put(foreign.id, { folders: ['INBOX'] })).statusCode).toBe(404);
    expect(await other.s.inboxes.get(foreign.id)).toMatchObject({ logging: false });

    const readOnly = await a.key(['read']);
    expect((await put(inbox.id, { folders: null }, readOnly)).statusCode).toBe(403);

    const off = await put(inbox.id, { folders: null });
    expect(off.json()).toMatchObject({ logging: false, folders: [] });
    const after = await api.app.inject({ method: 'GET', url: `/v1/inboxes/${inbox.id}`, headers: bearer(key) });
    expect(after.json()).toMatchObject({ logging: false, loggingFolders: [] });
  });
});
