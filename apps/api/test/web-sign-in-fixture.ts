// The web sign-in as the tests configure it: both providers on the stack's fake OAuth server, their IMAP
// on the stack's Dovecot profiles, the pending sign-ins in the stack's Redis, and a clock a test can move.
import { randomBytes } from 'node:crypto';
import { gmailProvider, office365Provider } from '@reply-sync/mail';
import { createRedisConnection, type RedisConnection } from '@reply-sync/queue';
import { oauthServer, stack } from '@reply-sync/testkit';
import { redisSignInStore } from '../src/web-sign-in/sign-in-store';
import type { WebSignInConfig } from '../src/web-sign-in/web-sign-in-config';

export interface WebSignInFixture {
  config: WebSignInConfig;
  /** Added to the config's clock (to expire a state without waiting). */
  clock: { offsetMs: number };
  close(): void;
}

export function webSignInFixture(): WebSignInFixture {
  const urls = oauthServer.urls;
  const common = { ca: stack.caCert, timeoutMs: 10_000 };
  const smtp = { host: stack.smtp.host, port: stack.smtp.submissionPort, tls: 'starttls' as const };
  const redis: RedisConnection = createRedisConnection(stack.redisUrl, { forWorker: false, connectionName: 'api-web-sign-in-test' });
  const clock = { offsetMs: 0 };
  const config: WebSignInConfig = {
    // Replaced by the listening address once the test's API listens.
    publicUrl: 'http://127.0.0.1:0',
    stateKey: randomBytes(32),
    stateTtlSeconds: 600,
    successUrls: ['https://crm.example.test/settings/'],
    providers: {
      gmail: gmailProvider(
        {
          clientId: 'reply-sync-test',
          clientSecret: 'test-secret',
          tokenUrl: urls.googleTokenUrl,
          authBaseUrl: urls.googleAuthBaseUrl,
          apiRootUrl: urls.googleApiRoot,
          imap: { host: '127.0.0.1', port: stack.profiles.gmail.imapsPort, tls: 'tls' },
          smtp,
        },
        common,
      ),
      office365: office365Provider(
        { clientId: 'reply-sync-test', clientSecret: 'test-secret', authority: urls.microsoftAuthority(), imap: { host: '127.0.0.1', port: stack.profiles.standard.imapsPort, tls: 'tls' }, smtp },
        common,
      ),
    },
    store: redisSignInStore(redis),
    tlsCa: stack.caCert,
    now: () => Date.now() + clock.offsetMs,
  };
  return { config, clock, close: () => redis.disconnect() };
}
