// The first session after an inbox is connected does not import history, but a reply that arrived in
// the seconds between connecting and a worker picking up the job is still logged.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

describe('the first session of a newly connected inbox', () => {
  it('logs a reply that arrived after connecting but before the first session, and skips older mail', async () => {
    fx = await createFixture('first-connect');
    const beforeConnecting = await fx.deliverReply({ text: 'sent before the inbox was connected' });
    // INTERNALDATE has whole seconds: let the clock pass the second of that delivery, then connect.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await fx.db.sql`update inboxes set connected_since = clock_timestamp() where id = ${fx.inboxId}`;
    const afterConnecting = await fx.deliverReply({ text: 'sent after connecting, before any worker ran' });

    await fx.enqueue();
    await fx.startWorker();

    const logged = await waitFor(
      async () => (await fx.q.timeline.forContact(fx.contact.email)).find((e) => e.messageIdNorm === afterConnecting),
      { what: 'the reply that arrived before the first session', timeoutMs: 15_000 },
    );
    expect(logged.textBody).toContain('before any worker ran');
    const decisions = await fx.decisions();
    expect(decisions.map((d) => d.messageIdNorm)).toEqual([afterConnecting]);
    expect(decisions.map((d) => d.messageIdNorm)).not.toContain(beforeConnecting);
  });
});
