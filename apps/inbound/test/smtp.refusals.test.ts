// What the SMTP server refuses, and when: an unknown address (or a BCC or forwarding address since
// rotated) at RCPT with 550 and a sentence; a message over the size limit
// with 552 once it streams past it; nothing is spooled for either.
import { afterEach, describe, expect, it } from 'vitest';
import { TOO_LARGE_TEXT, UNKNOWN_RECIPIENT_TEXT } from '../src/smtp-receiver';
import { createInboundFixture, INBOUND_DOMAIN, type InboundFixture } from './helpers/inbound-fixture';
import { inboundAddressOf } from '@reply-sync/db';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

type SmtpFailure = Error & { code?: string; responseCode?: number; response?: string };

async function refusal(promise: Promise<unknown>): Promise<SmtpFailure> {
  try {
    await promise;
  } catch (error) {
    return error as SmtpFailure;
  }
  throw new Error('the server accepted the message');
}

describe('SMTP refusals', () => {
  it('refuses unknown and rotated addresses at RCPT with 550 and a sentence, accepts the current BCC and forwarding ones', { timeout: 60_000 }, async () => {
    fx = await createInboundFixture('refuse-rcpt');
    await fx.s.users.add({ email: `ana@${fx.domain}` });
    const inbound = await fx.start();
    const mail = (to: string) => ({ from: `ana@${fx!.domain}`, to: 'bob@client.test', subject: 'x', text: 'x', envelope: { from: `ana@${fx!.domain}`, to: [to] } });

    const guessed = await refusal(fx.send(inbound.port, mail(`bcc-aaaaaaaaaaaaaaaaaaaaaaaaaa@${INBOUND_DOMAIN}`)));
    expect(guessed).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    expect(guessed.response).toBe(`550 ${UNKNOWN_RECIPIENT_TEXT}`);
    const otherDomain = await refusal(fx.send(inbound.port, mail('someone@elsewhere.test')));
    expect(otherDomain.response).toBe(`550 ${UNKNOWN_RECIPIENT_TEXT}`);

    const old = await fx.bccAddress();
    const { address } = await fx.s.inbound.rotate('bcc');
    const rotated = await refusal(fx.send(inbound.port, mail(old)));
    expect(rotated.response).toBe(`550 ${UNKNOWN_RECIPIENT_TEXT}`);
    const fresh = await fx.send(inbound.port, mail(inboundAddressOf('bcc', address.token, INBOUND_DOMAIN)));
    expect(fresh.response).toMatch(/^250 2\.0\.0 Queued for logging as [0-9a-f-]{36}$/);

    const oldFwd = inboundAddressOf('fwd', (await fx.s.inbound.address('fwd')).token, INBOUND_DOMAIN);
    const { address: fwdAddress } = await fx.s.inbound.rotate('fwd');
    expect((await refusal(fx.send(inbound.port, mail(oldFwd)))).response).toBe(`550 ${UNKNOWN_RECIPIENT_TEXT}`);
    const fwd = await fx.send(inbound.port, mail(inboundAddressOf('fwd', fwdAddress.token, INBOUND_DOMAIN)));
    expect(fwd.response).toMatch(/^250 2\.0\.0 Queued for logging as [0-9a-f-]{36}$/);

    expect(await fx.inboundRows()).toHaveLength(2); // the ones to the current addresses only
  });

  it('refuses a message over the limit with 552 while it streams, and keeps nothing', { timeout: 60_000 }, async () => {
    fx = await createInboundFixture('refuse-size');
    await fx.s.users.add({ email: `ana@${fx.domain}` });
    const limit = 256 * 1024;
    const inbound = await fx.start({ INBOUND_MAX_MESSAGE_BYTES: String(limit) });
    const bcc = await fx.bccAddress();
    const big = await refusal(
      fx.send(inbound.port, {
        from: `ana@${fx.domain}`,
        to: 'bob@client.test',
        subject: 'big',
        text: 'x'.repeat(limit + 1024), // SIZE is not declared by nodemailer: the limit applies while streaming
        envelope: { from: `ana@${fx.domain}`, to: [bcc] },
      }),
    );
    expect(big).toMatchObject({ responseCode: 552 });
    expect(big.response).toBe(`552 ${TOO_LARGE_TEXT(limit)}`);
    expect(await fx.inboundRows()).toHaveLength(0);

    // The connection's next message is taken as usual.
    const small = await fx.send(inbound.port, { from: `ana@${fx.domain}`, to: 'bob@client.test', subject: 'small', text: 'ok', envelope: { from: `ana@${fx.domain}`, to: [bcc] } });
    expect(small.response).toMatch(/^250 /);
  });
});
