// One message's source (a Buffer, or a stream of its bytes) into what the CRM stores: text, HTML and
// attachments. The 50 MB rule is applied while the attachments stream in: once their total passes
// the limit, what was kept is dropped and the rest is read and thrown away, never held.
import type { Readable } from 'node:stream';
import { MailParser, type AttachmentStream, type MessageText } from 'mailparser';
import type { AttachmentInput } from '@reply-sync/db';
import { MAX_ATTACHMENT_BYTES } from '@reply-sync/mail';

export interface ReplyContent {
  textBody: string | null;
  htmlBody: string | null;
  attachments: AttachmentInput[];
  /** Set when attachments were left out; the decision becomes logged_without_attachments. */
  attachmentsSkippedReason: string | null;
  /** Bytes read from the server for this message. */
  bytesRead: number;
}

export type ContentResult = { ok: true; content: ReplyContent } | { ok: false; detail: string };

export function overLimitDetail(total: number): string {
  return `attachments total ${(total / 1024 / 1024).toFixed(1)} MB, over the ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB limit`;
}

/**
 * Parses `source`. A message mailparser cannot read resolves `{ ok: false }` with why; a failing
 * `source` stream (the connection dropped mid-download) rejects, so the caller can retry.
 */
export function parseReply(source: Buffer | Readable): Promise<ContentResult> {
  return new Promise((resolve, reject) => {
    // No checksums (nothing uses them) and no text-to-HTML conversion: less CPU per message.
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true, checksumAlgo: false });
    let text: MessageText | null = null;
    let kept: AttachmentInput[] = [];
    let attachmentBytes = 0;
    let bytesRead = 0;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      parser.destroy();
      resolve({ ok: false, detail: `the message body could not be parsed: ${error instanceof Error ? error.message : String(error)}` });
    };

    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = data;
        return;
      }
      const chunks: Buffer[] = [];
      data.content.on('data', (chunk: Buffer) => {
        attachmentBytes += chunk.length;
        if (attachmentBytes <= MAX_ATTACHMENT_BYTES) chunks.push(chunk);
        else if (kept.length > 0 || chunks.length > 0) {
          kept = [];
          chunks.length = 0;
        }
      });
      data.content.once('end', () => {
        if (attachmentBytes <= MAX_ATTACHMENT_BYTES) {
          const content = Buffer.concat(chunks);
          chunks.length = 0;
          kept.push({
            filename: data.filename ?? null,
            contentType: data.contentType || 'application/octet-stream',
            content,
            contentId: data.contentId ?? null,
            size: content.length,
          });
        }
        data.release?.();
      });
    });
    parser.once('error', fail);
    parser.once('end', () => {
      if (settled) return;
      settled = true;
      const over = attachmentBytes > MAX_ATTACHMENT_BYTES;
      resolve({
        ok: true,
        content: {
          textBody: text?.text ?? null,
          htmlBody: typeof text?.html === 'string' ? text.html : null,
          attachments: over ? [] : kept,
          attachmentsSkippedReason: over ? overLimitDetail(attachmentBytes) : null,
          bytesRead,
        },
      });
    });

    if (Buffer.isBuffer(source)) {
      bytesRead = source.length;
      parser.end(source);
      return;
    }
    source.on('data', (chunk: Buffer) => (bytesRead += chunk.length));
    source.once('error', (error) => {
      if (settled) return;
      settled = true;
      parser.destroy();
      reject(error);
    });
    source.pipe(parser);
  });
}
