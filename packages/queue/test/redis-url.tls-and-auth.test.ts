// Redis reached the way an operator configures it: a password in REDIS_URL (the stack requires one),
// rediss:// with a private CA named by ssl_ca_certs, and the refusal to use a remote Redis without one.
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection, deleteFleet, registerInboxes, registeredInboxIds, unauthenticatedRedisProblem } from '../src/index';
import { inbox, redisUrl, uniqueQueueName } from './helpers';

function tlsUrl(): string {
  const url = process.env.STACK_REDIS_TLS_URL;
  const ca = process.env.STACK_CA_CERT;
  if (!url || !ca) throw new Error('STACK_REDIS_TLS_URL / STACK_CA_CERT are not set: start the stack (npm run stack -- start) and source .stack/env');
  return `${url}?ssl_ca_certs=${encodeURIComponent(ca)}`;
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
});

function connect(url: string) {
  const redis = createRedisConnection(url, { forWorker: false });
  redis.on('error', () => undefined);
  closers.push(async () => redis.disconnect());
  return redis;
}

describe('REDIS_URL with TLS', () => {
  it('rediss:// with ssl_ca_certs connects over TLS, and the fleet registry works over it', async () => {
    const redis = connect(tlsUrl());
    expect(await redis.ping()).toBe('PONG');
    const fleet = uniqueQueueName('tls');
    closers.push(() => deleteFleet(redis, fleet));
    await registerInboxes(redis, fleet, [inbox(1)]);
    expect(await registeredInboxIds(redis, fleet)).toEqual([inbox(1).inboxId]);
  });

  it('refuses a server whose certificate no trusted CA signed', async () => {
    const redis = connect(tlsUrl().replace(/\?ssl_ca_certs=.*$/, ''));
    await expect(redis.ping()).rejects.toThrow();
    expect(redis.status).not.toBe('ready');
  });

  it('says what to fix for an unreadable CA file or ssl_ca_certs on a plain redis:// URL', () => {
    expect(() => createRedisConnection('rediss://:p@localhost:6380?ssl_ca_certs=/nonexistent.pem', { forWorker: false })).toThrow(
      /ssl_ca_certs=\/nonexistent\.pem cannot be read/,
    );
    expect(() => createRedisConnection('redis://:p@localhost:6379?ssl_ca_certs=/etc/hostname', { forWorker: false })).toThrow(
      /is not rediss:\/\//,
    );
  });
});

describe('authentication', () => {
  it('the local stack asks for a password: a URL without one cannot run commands', async () => {
    const url = new URL(redisUrl);
    expect(url.password).not.toBe('');
    url.password = '';
    const redis = connect(url.toString());
    await expect(redis.set('reply-sync-test-unauthenticated', '1')).rejects.toThrow(/NOAUTH/);
  });

  it('a remote Redis without a password is refused with a sentence; loopback or a password pass', () => {
    expect(unauthenticatedRedisProblem('redis://redis.internal.example:6379')).toMatch(
      /REDIS_URL points at redis\.internal\.example, which is not this machine, without a password/,
    );
    expect(unauthenticatedRedisProblem('rediss://10.1.2.3:6380')).not.toBeNull();
    expect(unauthenticatedRedisProblem('redis://127.0.0.1:56379')).toBeNull();
    expect(unauthenticatedRedisProblem('redis://localhost:6379')).toBeNull();
    expect(unauthenticatedRedisProblem('redis://:secret@redis.internal.example:6379')).toBeNull();
    expect(unauthenticatedRedisProblem('redis://worker:secret@redis.internal.example:6379')).toBeNull();
  });
});
