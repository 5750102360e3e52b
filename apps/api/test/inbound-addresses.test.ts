// The account's BCC and forwarding addresses through the API: shown (made on first use), one pair per
// account, rotated with a write key (the old address no longer resolves, as apps/inbound's RCPT check
// asks), and a 503 with the setting to fix when the API has no INBOUND_DOMAIN.
import { parseInboundLocalPart, resolveInboundAddress } from '@reply-sync/db';
import { stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiEnvError, parseApiEnv } from '../src/env';
import { bearer, startTestApi, type TestApi } from './helpers';

const DOMAIN = 'log.example.test';
let api: TestApi;
let bare: TestApi;

beforeAll(async () => {
  [api, bare] = await Promise.all([startTestApi({ inboundDomain: DOMAIN }), startTestApi()]);
});
afterAll(async () => Promise.all([api?.close(), bare?.close()]));

const get = (on: TestApi, key: string) => on.app.inject({ method: 'GET', url: '/v1/inbound-addresses', headers: bearer(key) });
const rotate = (on: TestApi, key: string, kind: string) => on.app.inject({ method: 'POST', url: `/v1/inbound-addresses/${kind}/rotate`, headers: bearer(key) });

/** The account an address at DOMAIN reaches now (null: refused at RCPT). */
async function accountOf(address: string): Promise<string | null> {
  const [local, domain] = address.split('@');
  expect(domain).toBe(DOMAIN);
  const parsed = parseInboundLocalPart(local!);
  expect(parsed).not.toBeNull();
  return resolveInboundAddress(api.db.db, parsed!.kind, parsed!.token);
}

describe('GET /v1/inbound-addresses and rotate', () => {
  it("shows the account's own BCC and forwarding addresses, the same ones on every call", async () => {
    const a = await api.account();
    const b = await api.account();
    const first = await get(api, await a.key(['read']));
    expect(first.statusCode).toBe(200);
    const shown = first.json();
    expect(shown.bcc).toMatch(/^bcc-[a-z2-7]{26}@log\.example\.test$/);
    expect(shown.forward).toMatch(/^fwd-[a-z2-7]{26}@log\.example\.test$/);
    expect((await get(api, await a.key(['read']))).json()).toEqual(shown);
    expect(await accountOf(shown.bcc)).toBe(a.accountId);
    expect(await accountOf(shown.forward)).toBe(a.accountId);
    const other = (await get(api, await b.key(['read']))).json();
    expect(other.bcc).not.toBe(shown.bcc);
    expect(await accountOf(other.bcc)).toBe(b.accountId);
  });

  it('rotates one address with a write key: the new one reaches the account, the old one nothing, the other kind stays', async () => {
    const a = await api.account();
    const before = (await get(api, await a.key(['read']))).json();
    expect((await rotate(api, await a.key(['read']), 'bcc')).statusCode).toBe(403);

    const rotated = await rotate(api, await a.key(['read', 'write']), 'bcc');
    expect(rotated.statusCode).toBe(200);
    const { address, retired, kind } = rotated.json();
    expect(kind).toBe('bcc');
    expect(retired).toBe(before.bcc);
    expect(address).not.toBe(before.bcc);
    expect(await accountOf(address)).toBe(a.accountId);
    expect(await accountOf(before.bcc)).toBeNull();
    expect((await get(api, await a.key(['read']))).json()).toMatchObject({ bcc: address, forward: before.forward });

    const bad = await rotate(api, await a.key(['read', 'write']), 'cc');
    expect(bad.statusCode).toBe(400);
  });

  it('answers 503 with the setting to fix when the API has no INBOUND_DOMAIN', async () => {
    const a = await bare.account();
    const answer = await get(bare, await a.key(['read']));
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ code: 'inbound_domain_missing' });
    expect(answer.json().detail).toContain('INBOUND_DOMAIN');
  });

  it('takes INBOUND_DOMAIN from the environment in lower case, and refuses one that is not a domain name', () => {
    const base = { DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl };
    expect(parseApiEnv({ ...base, INBOUND_DOMAIN: 'Log.Example.TEST' }).INBOUND_DOMAIN).toBe('log.example.test');
    expect(parseApiEnv(base).INBOUND_DOMAIN).toBeUndefined();
    expect(() => parseApiEnv({ ...base, INBOUND_DOMAIN: 'not a domain' })).toThrow(ApiEnvError);
  });
});
