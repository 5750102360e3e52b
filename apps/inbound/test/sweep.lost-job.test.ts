// A message spooled whose job never reached the queue (a crash right after the spool's commit, a Redis
// that lost its data) is found by the processor's periodic sweep and logged, once, without a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, type InboundFixture } from './helpers/inbound-fixture';
import { signedMessage } from './helpers/signed-message';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe('the sweep of spooled messages', () => {
  it('logs a message spooled with no job on the queue, exactly once', { timeout: 60_000 }, async () => {
    fx = await createInboundFixture('sweep-lost-job');
    const { s, domain } = fx;
    await s.users.add({ email: `ana@${domain}` });
    const bcc = await fx.bccAddress();
    await fx.start({ INBOUND_SWEEP_INTERVAL_MS: '300' });

    // Spooled after the start-up sweep, as the receiver would, but no job added: only the sweep can find it.
    const raw = await signedMessage(fx.key, { from: `ana@${domain}`, to: 'zoe@client.test', subject: 'Lost job', text: 'Hello.', messageId: `<lost-${Date.now()}@${domain}>` });
    const id = await s.inbound.spool({ addressKind: 'bcc', envelopeFrom: `ana@${domain}`, envelopeTo: [bcc], clientIp: '127.0.0.1', helo: 'client.test', raw, messageId: null, fromAddress: null, subject: 'Lost job' });

    await fx.waitDecided(1);
    const rows = await fx.inboundRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, status: 'processed', reason_code: 'logged', raw_kept: false });
    const timeline = await s.timeline.forContact('zoe@client.test');
    expect(timeline.map((t) => t.id)).toEqual([rows[0]!.email_id]);
  });
});
