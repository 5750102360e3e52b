import { describe, expect, it } from 'vitest';
import { decide, type NeverLogEntry } from '../src/index';
import { context, replyFacts, thread } from './builders';

const decideWith = (neverLog: NeverLogEntry[], recipients?: string[], from = 'ana@example.com') =>
  decide(
    replyFacts({ from: { address: from } }),
    context({ neverLog, thread: thread(recipients ? { recipients } : {}) }),
  );

describe('rule 7, never_log: the sender or a recipient of the original is on the never-log list', () => {
  it('matches the sender by address, case-insensitively', () => {
    expect(decideWith([{ kind: 'address', value: 'Ana@Example.COM' }])).toEqual({
      action: 'skip',
      reason: 'never_log',
      detail: 'sender ana@example.com matches never-log address Ana@Example.COM',
    });
  });

  it('matches a domain and its subdomains, not a look-alike', () => {
    expect(decideWith([{ kind: 'domain', value: 'example.com' }], undefined, 'ana@sales.example.com').reason).toBe('never_log');
    expect(decideWith([{ kind: 'domain', value: 'example.com' }]).reason).toBe('never_log');
    expect(decideWith([{ kind: 'domain', value: 'example.com' }], ['bob@ourco.com'], 'ana@badexample.com').reason).not.toBe('never_log');
  });

  it('reads domains as people type them (@domain, upper case)', () => {
    expect(decideWith([{ kind: 'domain', value: '@Example.com' }]).reason).toBe('never_log');
  });

  it('matches a recipient of the original email and names it', () => {
    const d = decideWith([{ kind: 'domain', value: 'lawfirm.test' }], ['bob@ourco.com', 'ana@example.com', 'counsel@lawfirm.test']);
    expect(d).toEqual({
      action: 'skip',
      reason: 'never_log',
      detail: 'original recipient counsel@lawfirm.test matches never-log domain lawfirm.test',
    });
  });

  it("ignores the inbox's own address and aliases among the original's recipients", () => {
    const entries: NeverLogEntry[] = [
      { kind: 'address', value: 'bob@ourco.com' },
      { kind: 'address', value: 'robert@ourco.com' },
    ];
    expect(decideWith(entries, ['BOB@ourco.com', 'robert@ourco.com', 'ana@example.com']).reason).toBe('logged');
  });

  it('does not match an address entry against a longer address', () => {
    expect(decideWith([{ kind: 'address', value: 'na@example.com' }]).reason).toBe('logged');
  });
});
