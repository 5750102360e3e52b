// A subscription URL to a loopback, private or link-local address, or a name resolving to one (any of
// its addresses), is refused with a sentence unless WEBHOOKS_ALLOW_PRIVATE allows it; nothing is saved.
import { createAccount, createDb, migrate, parseEncryptionKeys, scoped } from '@reply-sync/db';
import { stack, uniqueName } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWebhook, checkWebhookUrl, isPublicAddress, WebhookError } from '../src/index';

const refused = async (url: string, resolve?: (host: string) => Promise<string[]>) => {
  const error = await checkWebhookUrl(url, { allowPrivate: false, ...(resolve ? { resolve } : {}) }).then(() => null, (e: unknown) => e);
  return error instanceof WebhookError ? error.code : error;
};

describe('webhook URL safety', () => {
  it.each([
    'http://127.0.0.1/x', 'http://127.9.9.9/', 'http://10.1.2.3/', 'http://172.16.0.1/', 'http://192.168.1.1/', 'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[::1]/', 'http://[fe80::1]/', 'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/', 'http://localhost:8080/',
  ])('%s is refused as private_address', async (url) => {
    expect(await refused(url)).toBe('private_address');
  });

  it('a name with one private address among public ones is refused (every address is checked)', async () => {
    expect(await refused('https://hooks.example/', async () => ['93.184.215.14', '10.0.0.7'])).toBe('private_address');
    expect(await refused('https://hooks.example/', async () => ['93.184.215.14', '2606:2800:21f:cb07::1'])).toBeNull();
  });

  it('bad URLs and unresolvable names get their own codes', async () => {
    expect(await refused('ftp://hooks.example/')).toBe('invalid_url');
    expect(await refused('https://user:pw@hooks.example/')).toBe('invalid_url');
    expect(await refused('not a url')).toBe('invalid_url');
    expect(await refused('https://nowhere.invalid/', async () => { throw new Error('ENOTFOUND'); })).toBe('unresolvable_host');
  });

  it('public addresses pass; WEBHOOKS_ALLOW_PRIVATE lets loopback through', async () => {
    expect(isPublicAddress('93.184.215.14')).toBe(true);
    expect(isPublicAddress('::ffff:10.0.0.1')).toBe(false);
    await expect(checkWebhookUrl('http://127.0.0.1:9/x', { allowPrivate: true })).resolves.toBeInstanceOf(URL);
  });

  describe('addWebhook', () => {
    let handle: ReturnType<typeof createDb>;
    beforeAll(async () => {
      await migrate(stack.databaseUrl);
      handle = createDb(stack.databaseUrl, { max: 2 });
    });
    afterAll(() => handle.close());

    it('refuses a private URL with the sentence and saves nothing; allowed, it shows the secret once', async () => {
      const s = scoped(handle.db, (await createAccount(handle.db, uniqueName('url-safety'))).id);
      const keys = parseEncryptionKeys(stack.encryptionKeys);
      const error = await addWebhook(s, keys, { url: 'http://127.0.0.1:9/hooks', events: ['all'] }, { allowPrivate: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookError);
      expect((error as Error).message).toBe(
        '127.0.0.1 resolves to 127.0.0.1: The webhook URL points at a loopback, private or link-local address, which reply-sync does not call (it could reach services inside our network); use a public address, or set WEBHOOKS_ALLOW_PRIVATE=true where such receivers are intended.',
      );
      expect(await s.webhooks.list()).toEqual([]);
      await expect(addWebhook(s, keys, { url: 'http://127.0.0.1:9/hooks', events: ['email.nope'] }, { allowPrivate: true })).rejects.toMatchObject({ code: 'unknown_event_type' });
      const added = await addWebhook(s, keys, { url: 'http://127.0.0.1:9/hooks', events: ['email.logged,inbox.disconnected'] }, { allowPrivate: true });
      expect(added.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const [listed] = await s.webhooks.list();
      expect(listed).toMatchObject({ id: added.endpoint.id, eventTypes: ['email.logged', 'inbox.disconnected'], enabled: true });
      expect(JSON.stringify(listed)).not.toContain(added.secret);
      const [stored] = await handle.sql<{ secret: string }[]>`SELECT secret FROM webhook_endpoints WHERE id = ${added.endpoint.id}`;
      expect(stored!.secret).toMatch(/^v2:/); // encrypted at rest
      expect(stored!.secret).not.toContain(added.secret.slice(6, 20));
    });
  });
});
