// The outage proxy's frozen link (the chaos suite's last fault): an open session hears nothing more,
// a new connection works, and once the client drops the frozen one the server's session ends too.
import { afterEach, describe, expect, it } from 'vitest';
import { createMailUser, imapSessions, openImap, removeMailUser, stack, startOutageProxy, waitFor, type MailUser, type OutageProxy } from '../src/index';

let user: MailUser | undefined;
let proxy: OutageProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  if (user) await removeMailUser(user);
  user = undefined;
  proxy = undefined;
});

describe('outage proxy freeze()', () => {
  it('silences open connections without closing them, forwards new ones, and passes on a close', async () => {
    user = await createMailUser();
    const profile = stack.profiles.standard;
    proxy = await startOutageProxy({ host: profile.host, port: profile.imapPort });
    const viaProxy = { client: { port: proxy.port, doSTARTTLS: false } } as const;
    const frozenClient = await openImap(user, viaProxy);
    await frozenClient.noop();

    proxy.freeze();
    expect(proxy.frozenConnections()).toBe(1);
    const noop = frozenClient.noop().then(() => 'answered' as const, () => 'failed' as const);
    const outcome = await Promise.race([noop, new Promise<'silent'>((resolve) => setTimeout(() => resolve('silent'), 1_500))]);
    expect(outcome).toBe('silent');
    expect(await imapSessions(user)).toHaveLength(1);

    const fresh = await openImap(user, viaProxy);
    await fresh.noop();
    expect(await imapSessions(user)).toHaveLength(2);

    frozenClient.close();
    await waitFor(() => proxy!.frozenConnections() === 0, { what: 'the frozen connection closed', timeoutMs: 5_000 });
    await waitFor(async () => (await imapSessions(user!)).length === 1, { what: "the server's frozen session ended", timeoutMs: 5_000 });
    await fresh.logout();
  });
});
