// A "250" is a promise: the inbound process killed with SIGKILL right after answering it loses nothing.
// The process runs as its own (src/main.ts) with processing off, so the message is certainly still
// spooled when it dies; the next process (twice over: its queued job and the start-up sweep both find
// the message) logs it exactly once.
import { explainInbound } from '@reply-sync/operations/timeline';
import { waitFor } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, type InboundFixture } from './helpers/inbound-fixture';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe('SIGKILL of the inbound process after 250', () => {
  it('loses nothing: the message is logged exactly once after the restart', { timeout: 90_000 }, async () => {
    fx = await createInboundFixture('crash');
    await fx.s.users.add({ email: `ana@${fx.domain}` });
    await fx.s.contacts.add({ email: 'bob@client.test' });
    const bcc = await fx.bccAddress();
    const child = await fx.spawn({ INBOUND_CONCURRENCY: '0' });
    const messageId = `<crash-${Date.now()}@${fx.domain}>`;
    const sent = await fx.send(child.port, { from: `ana@${fx.domain}`, to: 'bob@client.test', subject: 'survives', text: 'still here', messageId, envelope: { from: `ana@${fx.domain}`, to: [bcc] } });
    expect(sent.response).toMatch(/^250 /);
    child.kill('SIGKILL');
    await child.exited;
    expect(await fx.inboundRows()).toEqual([expect.objectContaining({ status: 'spooled', raw_kept: true })]);
    expect(await explainInbound(fx.s, messageId)).toEqual([expect.objectContaining({ decision: 'pending', reasonCode: 'spooled', subject: 'survives' })]);

    // Two processes start: each re-queues what is spooled (the same job id as the original job) and processes.
    await Promise.all([fx.start(), fx.start()]);
    await fx.waitDecided(1);
    await waitFor(async () => (await fx!.db.sql`SELECT 1 FROM logged_emails WHERE account_id = ${fx!.s.accountId}`).length === 1, { what: 'the email logged' });
    const rows = await fx.inboundRows();
    expect(rows).toEqual([expect.objectContaining({ status: 'processed', reason_code: 'logged', raw_kept: false, message_id: messageId })]);
    const emails = await fx.db.sql<{ id: string }[]>`SELECT id FROM logged_emails WHERE account_id = ${fx.s.accountId}`;
    expect(emails.map((e) => e.id)).toEqual([rows[0]!.email_id]);
    expect(await fx.s.timeline.forContact('bob@client.test')).toHaveLength(1);
    expect(await explainInbound(fx.s, messageId)).toEqual([expect.objectContaining({ decision: 'logged', reasonCode: 'logged', emailId: rows[0]!.email_id })]);
  });
});
