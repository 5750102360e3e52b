// waitFor() polls until a value is truthy and names what it waited for when it gives up.
import { describe, expect, it } from 'vitest';
import { uniqueName, waitFor, WaitForTimeoutError } from '../src/index';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { what: 'three calls', intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('treats a throwing check as not yet, and quotes the last error on timeout', async () => {
    const error = await waitFor(
      () => {
        throw new Error('mailbox not found');
      },
      { what: 'the reply in INBOX', timeoutMs: 50, intervalMs: 5 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as Error).message).toMatch(/waiting for the reply in INBOX \(last error: mailbox not found\)/);
  });
});

describe('uniqueName', () => {
  it('never repeats and is safe as a mail local part', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('Some Prefix')));
    expect(names.size).toBe(1000);
    for (const n of names) expect(n).toMatch(/^some-prefix-[a-z0-9-]+$/);
  });
});
