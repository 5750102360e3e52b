// Large replies as raw MIME, built without allocating their decoded bytes: a text part and one base64
// attachment made of a repeated 76-character line (57 decoded bytes each), so a 60 MB message costs the
// test one Buffer.alloc.
export interface BigReplyInput {
  from: string;
  to: string;
  /** Message-IDs without brackets. */
  inReplyTo: string;
  messageId: string;
  /** Decoded size of the attachment. */
  attachmentBytes: number;
  text?: string;
}

// Base64 of 57 bytes that are not all zero, so the stored attachment is not a run of zeros.
const LINE = `${Buffer.from('reply-sync large attachment test pattern 0123456789abcdef'.slice(0, 57)).toString('base64')}\r\n`;

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
      input.text ?? 'The file is attached.',
      '--b1',
      'Content-Type: application/octet-stream; name="big.bin"',
      'Content-Disposition: attachment; filename="big.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  );
  const lines = Math.ceil(input.attachmentBytes / 57);
  return Buffer.concat([head, Buffer.alloc(LINE.length * lines, LINE), Buffer.from('--b1--\r\n')]);
}

/** Decoded bytes of an attachment that makes bigReply() about `messageBytes` long. */
export function attachmentBytesFor(messageBytes: number): number {
  return Math.floor(((messageBytes - 1024) / LINE.length) * 57);
}
