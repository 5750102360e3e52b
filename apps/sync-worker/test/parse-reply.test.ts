// Parsing a reply while it streams in: attachments are kept up to 50 MB in all; past that the ones
// already kept are dropped and the rest is read and thrown away, and the reason says how much it was.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bigReply } from './helpers/big-reply';
import { parseReply } from '../src/parse-reply';

const MB = 1024 * 1024;
const reply = (attachmentBytes: number) =>
  bigReply({ from: 'ana@client.test', to: 'me@crm.test', inReplyTo: 'out@crm.test', messageId: 'r@client.test', attachmentBytes, text: 'Hello there.' });

/** The message as a stream of 64 KiB chunks, the way a download delivers it. */
function streamed(raw: Buffer): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < raw.length; i += 65_536) yield raw.subarray(i, i + 65_536);
  })());
}

describe('parseReply', () => {
  it('keeps attachments up to 50 MB, with the text', async () => {
    const result = await parseReply(streamed(reply(2 * MB)));
    expect(result.ok && result.content.textBody?.trim()).toBe('Hello there.');
    expect(result.ok && result.content.attachments.map((a) => [a.filename, a.size])).toEqual([['big.bin', Math.ceil((2 * MB) / 57) * 57]]);
    expect(result.ok && result.content.attachmentsSkippedReason).toBe(null);
  });

  it('drops them past 50 MB, saying how much there was', async () => {
    const raw = reply(51 * MB);
    const result = await parseReply(streamed(raw));
    expect(result).toMatchObject({ ok: true, content: { attachments: [], attachmentsSkippedReason: 'attachments total 51.0 MB, over the 50 MB limit', bytesRead: raw.length } });
    expect(result.ok && result.content.textBody?.trim()).toBe('Hello there.');
  });

  it('rejects when the stream fails (a dropped connection), so the caller retries', async () => {
    const source = new PassThrough();
    const parsed = parseReply(source);
    source.write(reply(1024).subarray(0, 200));
    source.destroy(Object.assign(new Error('Connection not available'), { code: 'NoConnection' }));
    await expect(parsed).rejects.toMatchObject({ code: 'NoConnection' });
  });
});
