// REPLY_SYNC_ENCRYPTION_KEYS: a missing or malformed value stops the service with what to set.
import { describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../src/crypto/index';
import { newKey } from './helpers';

describe('parseEncryptionKeys', () => {
  it('says what to set when the variable is missing or empty', () => {
    for (const value of [undefined, '', '   ']) {
      expect(() => parseEncryptionKeys(value)).toThrow(
        'REPLY_SYNC_ENCRYPTION_KEYS is not set. Set it to `k1:` followed by 32 random bytes in base64, e.g. `k1:$(openssl rand -base64 32)`',
      );
    }
  });

  it('rejects an entry without a key id', () => {
    expect(() => parseEncryptionKeys(Buffer.alloc(32).toString('base64'))).toThrow(/entry 1 has no key id.*openssl rand -base64 32/);
  });

  it('rejects a key that is not 32 bytes of base64', () => {
    expect(() => parseEncryptionKeys(`k1:${Buffer.alloc(16).toString('base64')}`)).toThrow(
      /key "k1" must be exactly 32 bytes encoded in base64 \(it decodes to 16 bytes\)/,
    );
    expect(() => parseEncryptionKeys('k1:not base64!')).toThrow(/key "k1" must be exactly 32 bytes/);
  });

  it('rejects a duplicated key id', () => {
    expect(() => parseEncryptionKeys(`${newKey('k1')},${newKey('k1')}`)).toThrow(/key id "k1" appears twice/);
  });

  it('makes the first key active and keeps the others for decryption', () => {
    const keys = parseEncryptionKeys(` ${newKey('k2')} , ${newKey('k1')}`);
    expect(keys.active.id).toBe('k2');
    expect([...keys.byId.keys()]).toEqual(['k2', 'k1']);
    expect(keys.active.key.length).toBe(32);
  });
});
