// A message whose scanned header fields are over 256 KiB (here a References header of 6,000 ids) is
// recorded as malformed with its size, instead of a batch of such answers being held at once; the
// inbox keeps syncing.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

describe('header fields over 256 KiB', () => {
  it('make the message malformed, saying how big they were; the next reply is logged', async () => {
    fx = await createFixture('bighead');
    await fx.enqueue();
    await fx.startWorker();
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });

    const references = Array.from({ length: 6_000 }, (_, i) => `<earlier-${i}-of-a-very-long-thread@client.test>`);
    const { raw } = await fx.reply({ references: [...references, `<${fx.outbound.messageId}>`] });
    await deliver(fx.mailUser, raw);
    const normal = await fx.deliverReply();

    await waitFor(async () => fx.q.emails.getByMessageId(normal), { what: 'the normal reply logged', timeoutMs: 15_000 });
    const decisions = await fx.decisions();
    expect(decisions.map((d) => d.reasonCode)).toEqual(['malformed', 'logged']);
    expect(decisions[0]?.detail).toMatch(/^the header fields are \d+ bytes, over the 262144 the worker reads$/);
  });
});
