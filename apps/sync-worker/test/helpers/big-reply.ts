// Large replies as raw MIME, built without encoding anything: a text part and one base64 attachment
// made of a repeated 76-character line (57 decoded bytes each), so a 60 MB message costs the test one
// Buffer.alloc.
export interface BigReplyInput {
  from: string;
  to: string;
  /** Message-IDs without brackets. */
  inReplyTo: string;
  messageId: string;
  /** Decoded size of the attachment. */
  attachmentBytes: number;
  text?: string;
  /** Instead of `text`, a text part of about this many bytes (repeated lines). */
  textBytes?: number;
}

/** One line of the attachment: base64 of 57 bytes that are not all zero (so it is no run of zeros). */
export const bigReplyAttachmentLine = `${Buffer.from('reply-sync large attachment test pattern 0123456789abcdef'.slice(0, 57)).toString('base64')}\r\n`;

const TEXT_LINE = 'All work and no play makes a very long reply, line after line after line.\r\n';

export function bigReply(input: BigReplyInput): Buffer {
  const head = Buffer.from(
    [
      `From: ${input.from}`,
      `To: ${input.to}`,
      'Subject: Re: the big file',
      `Message-ID: <${input.messageId}>`,
      `In-Reply-To: <${input.inReplyTo}>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      input.textBytes ? TEXT_LINE.repeat(Math.ceil(input.textBytes / TEXT_LINE.length)) : (input.text ?? 'The file is attached.'),
      '--b1',
      'Content-Type: application/octet-stream; name="big.bin"',
      'Content-Disposition: attachment; filename="big.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  );
  const lines = Math.ceil(input.attachmentBytes / 57);
  return Buffer.concat([head, Buffer.alloc(bigReplyAttachmentLine.length * lines, bigReplyAttachmentLine), Buffer.from('--b1--\r\n')]);
}

