// The demo, run with --once semantics, doubles as the end-to-end test: the stack, a connected Dovecot
// inbox, the scheduler and a worker, and the three replies' outcomes.
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo/run-demo';

describe('reply-sync demo --once', () => {
  it('logs the genuine reply with its attachment and explains the two that are not logged', async () => {
    const lines: string[] = [];
    const result = await runDemo({ once: true, print: (text) => lines.push(text), timeoutMs: 60_000 });
    const output = lines.join('\n');

    expect(result.api).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), key: expect.stringMatching(/^rsk_/), inboxesListed: 1 });
    expect(result.console).toMatchObject({ url: `${result.api.url}/console`, email: expect.stringMatching(/^admin-.+@demo\.example$/), password: expect.stringMatching(/^.{16}$/) });
    expect(output).toContain(`Support console: ${result.console.url}  (sign in as ${result.console.email} with the password ${result.console.password}; admin)`);
    expect(result.replies.logged).toMatchObject({ reasons: ['logged'], onTimeline: true });
    expect(result.replies.alias).toMatchObject({ reasons: ['sender_not_contact'], onTimeline: false });
    // The worker reads only the INBOX; the demo's `explain` finds the filed reply and records not_in_inbox.
    expect(result.replies.subfolder).toMatchObject({ reasons: ['not_in_inbox'], onTimeline: false });

    // Logged by BCC: sent through Postfix submission, whose transport relays the logging domain to apps/inbound.
    expect(result.bcc).toMatchObject({ address: expect.stringMatching(/^bcc-[a-z2-7]{26}@inbound\.test$/), onTimeline: true });
    expect(output).toContain(`with ${result.bcc!.address} in Bcc`);

    const [reply, bccNote, outgoing] = result.timeline.entries;
    expect(result.timeline.entries).toHaveLength(3);
    expect(bccNote).toMatchObject({ direction: 'outbound', source: 'bcc', messageId: result.bcc!.messageId });
    expect(reply).toMatchObject({ direction: 'inbound', messageId: result.replies.logged.messageId, attachments: [{ filename: 'order-form.csv' }] });
    // The outgoing email was sent for real, through the send queue and Postfix.
    expect(outgoing).toMatchObject({ direction: 'outbound', source: 'crm_send', messageId: result.outgoingMessageId });
    expect(output).toContain('Sent the outgoing email');

    expect(output).toContain('The email was logged on the timeline.');
    expect(output).toContain('The sender is not a contact in the CRM');
    expect(output).toContain('The message is not in the INBOX');
    expect(output).toContain('[order-form.csv');
    // The CRM's webhook receiver got the events, each signed and verified.
    const hooks = result.webhooks.map((w) => (w.type === 'email.logged' ? `${w.type}:${String(w.data.source)}` : w.type));
    expect(hooks).toEqual(expect.arrayContaining(['inbox.connected', 'email.logged:crm_send', 'email.sent', 'email.logged:reply_sync']));
    expect(result.webhooks.every((w) => w.verified)).toBe(true);
    expect(output).toContain('Webhooks the CRM received');
  }, 180_000);
});
