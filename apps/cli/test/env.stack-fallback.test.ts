// The CLI's environment: nothing defaults to the local stack unless --stack asks for it, and a missing
// or malformed encryption key fails with the db package's sentence.
import { describe, expect, it } from 'vitest';
import { EncryptionKeyError, parseEncryptionKeys } from '@reply-sync/db';
import { stack } from '@reply-sync/testkit';
import { loadCliEnv } from '../src/env';

describe('CLI environment', () => {
  it('requires DATABASE_URL without --stack, with a sentence naming both ways out', () => {
    const env = loadCliEnv({}, { stack: false });
    expect(() => env.databaseUrl()).toThrow(/DATABASE_URL is not set\. .*--stack/);
  });

  it('fails on missing or malformed keys with the db package sentence', () => {
    let expected = '';
    try {
      parseEncryptionKeys('k1:short');
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(() => loadCliEnv({ REPLY_SYNC_ENCRYPTION_KEYS: 'k1:short' }, { stack: false }).encryptionKeys()).toThrow(expected);
    expect(() => loadCliEnv({}, { stack: false }).encryptionKeys()).toThrow(EncryptionKeyError);
  });

  it('fills unset variables from .stack/env under --stack; set ones win', () => {
    const env = loadCliEnv({ REDIS_URL: 'redis://10.0.0.1:6379' }, { stack: true });
    expect(env.databaseUrl()).toBe(stack.databaseUrl);
    expect(env.encryptionKeys().active.id).toBe(parseEncryptionKeys(stack.encryptionKeys).active.id);
    expect(env.source.REDIS_URL).toBe('redis://10.0.0.1:6379');
    expect(env.tlsCa()).toBe(stack.caCert);
  });
});
