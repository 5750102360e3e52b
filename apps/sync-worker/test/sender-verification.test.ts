// Forged replies: anyone holding a logged Message-ID can send `From: <contact>` with In-Reply-To. The
// worker records the verdict of the inbox's own server (its topmost Authentication-Results, when its
// authserv-id is trusted) on every logged reply, and skips unverified ones when the account says
// `require`. The inbox's server is simulated by prepending its header, as an MTA does before delivery.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';

const SERVER = 'mx.reply-sync.test';

let fx: Fixture;
afterEach(async () => {
  await fx?.cleanup();
});

/** What the inbox's server writes, prepended to the message as delivered. */
function stamped(raw: Buffer, results: string): Buffer {
  return Buffer.concat([Buffer.from(`Authentication-Results: ${SERVER};\r\n\t${results}\r\n`), raw]);
}

async function start(name: string, policy: 'flag' | 'require'): Promise<void> {
  fx = await createFixture(name);
  await fx.q.inboxes.setTrustedAuthservIds(fx.inboxId, [SERVER]);
  await fx.q.account.setSenderVerification(policy);
  await fx.enqueue();
  await fx.startWorker();
  await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline checkpoint' });
}

/** A forged reply: the server says DMARC failed; the sender wrote a header with the server's id saying it passed. */
async function deliverForged(): Promise<string> {
  const domain = fx.contact.email.split('@')[1];
  const r = await fx.reply({ headers: { 'Authentication-Results': `${SERVER}; dkim=pass header.d=${domain}; dmarc=pass header.from=${domain}` } });
  await deliver(fx.mailUser, stamped(r.raw, `spf=fail smtp.mailfrom=${fx.contact.email};\r\n\tdmarc=fail (p=REJECT) header.from=${domain}`));
  return r.messageId;
}

async function deliverGenuine(): Promise<string> {
  const domain = fx.contact.email.split('@')[1];
  const r = await fx.reply();
  await deliver(
    fx.mailUser,
    stamped(r.raw, `dkim=pass header.d=${domain} header.s=s1;\r\n\tspf=pass smtp.mailfrom=${fx.contact.email};\r\n\tdmarc=pass header.from=${domain}`),
  );
  return r.messageId;
}

async function timelineEntry(messageId: string) {
  return waitFor(async () => (await fx.q.timeline.forContact(fx.contact.email)).find((e) => e.messageIdNorm === messageId), {
    what: `reply ${messageId} on the timeline`,
    timeoutMs: 15_000,
  });
}

describe('sender verification in the worker', () => {
  it('flag: a forged reply is logged but unverified; a reply the server verified is logged as verified', async () => {
    await start('authres-flag', 'flag');
    const forged = await deliverForged();
    const genuine = await deliverGenuine();

    const f = await timelineEntry(forged);
    expect(f).toMatchObject({ authVerified: false, authDmarc: 'fail', authSpf: 'fail', authDkim: null });
    expect(f.authDetail).toBe(`${SERVER}: dmarc=fail header.from=${fx.contact.email.split('@')[1]}; spf=fail (1 more below, not counted)`);
    expect(await timelineEntry(genuine)).toMatchObject({ authVerified: true, authDmarc: 'pass', authDkim: 'pass', authDkimAligned: true, authSpf: 'pass' });
  });

  it('require: the forged reply and one with no Authentication-Results are skipped as sender_unverified; the verified one is logged', async () => {
    await start('authres-require', 'require');
    const forged = await deliverForged();
    const bare = await fx.deliverReply();
    const genuine = await deliverGenuine();

    expect(await timelineEntry(genuine)).toMatchObject({ authVerified: true });
    const decisions = await waitFor(
      async () => {
        const rows = await fx.decisions();
        return rows.length >= 3 ? rows : undefined;
      },
      { what: 'three decisions' },
    );
    const byId = new Map(decisions.map((d) => [d.messageIdNorm, d]));
    expect(byId.get(forged)).toMatchObject({ reasonCode: 'sender_unverified', detail: expect.stringMatching(/^mx\.reply-sync\.test: dmarc=fail/) });
    expect(byId.get(bare)).toMatchObject({ reasonCode: 'sender_unverified', detail: 'no Authentication-Results header' });
    expect(byId.get(genuine)).toMatchObject({ reasonCode: 'logged' });
    const onTimeline = (await fx.q.timeline.forContact(fx.contact.email)).map((e) => e.messageIdNorm);
    expect(onTimeline).toContain(genuine);
    expect(onTimeline).not.toContain(forged);
    expect(onTimeline).not.toContain(bare);
  });
});
