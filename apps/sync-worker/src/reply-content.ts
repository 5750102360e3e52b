// Fetching and parsing the full content of the replies a batch will log (and only those). Every read
// is BODY.PEEK (imapflow's `source`, `bodyParts` and `download` all use it), so nothing sets \Seen.
import type { ImapFlow, MessageStructureObject } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { AttachmentInput } from '@reply-sync/db';

/** Attachments of one email above this total are not stored (the email is logged without them). */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

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

/**
 * Content of each UID in `wanted` (UID → RFC822.SIZE). Messages that fit are fetched whole in one
 * command; a message bigger than the attachment limit first has its BODYSTRUCTURE read, so a 60 MB
 * blob we would drop anyway is never downloaded: only its text parts are.
 */
export async function fetchReplyContents(client: ImapFlow, wanted: Map<number, number>): Promise<Map<number, ContentResult>> {
  const results = new Map<number, ContentResult>();
  const small = [...wanted].filter(([, size]) => size <= MAX_ATTACHMENT_BYTES).map(([uid]) => uid);
  const big = [...wanted].filter(([, size]) => size > MAX_ATTACHMENT_BYTES).map(([uid]) => uid);

  if (small.length > 0) {
    // Collect first, parse after: no other IMAP command runs while this FETCH streams.
    const rows = await client.fetchAll(small.join(','), { uid: true, source: true }, { uid: true });
    // Parsed side by side (mailparser streams, so one message's awaits need not hold up the next).
    await Promise.all(
      rows.map(async (row) => {
        if (row.source) results.set(row.uid, await parseFullMessage(row.source));
      }),
    );
  }
  for (const uid of big) {
    results.set(uid, await fetchOversized(client, uid));
  }
  for (const uid of wanted.keys()) {
    if (!results.has(uid)) results.set(uid, { ok: false, detail: 'the server returned no content for this message (expunged meanwhile?)' });
  }
  return results;
}

export async function parseFullMessage(source: Buffer): Promise<ContentResult> {
  try {
    const parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, keepCidLinks: true });
    const attachments: AttachmentInput[] = parsed.attachments.map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType || 'application/octet-stream',
      content: a.content,
      contentId: a.contentId ?? null,
      size: a.size ?? a.content.length,
    }));
    const total = attachments.reduce((sum, a) => sum + (a.size ?? a.content.length), 0);
    const over = total > MAX_ATTACHMENT_BYTES;
    return {
      ok: true,
      content: {
        textBody: parsed.text ?? null,
        htmlBody: typeof parsed.html === 'string' ? parsed.html : null,
        attachments: over ? [] : attachments,
        attachmentsSkippedReason: over ? overLimitDetail(total) : null,
        bytesRead: source.length,
      },
    };
  } catch (error) {
    return { ok: false, detail: `the message body could not be parsed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function overLimitDetail(total: number): string {
  return `attachments total ${(total / 1024 / 1024).toFixed(1)} MB, over the ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB limit`;
}

interface LeafPart {
  part: string;
  type: string;
  size: number;
  encoding: string;
  isAttachment: boolean;
}

function leaves(node: MessageStructureObject, out: LeafPart[] = []): LeafPart[] {
  if (node.childNodes && node.childNodes.length > 0) {
    for (const child of node.childNodes) leaves(child, out);
    return out;
  }
  const type = (node.type || 'text/plain').toLowerCase();
  const disposition = (node.disposition || '').toLowerCase();
  const isBodyText = (type === 'text/plain' || type === 'text/html') && disposition !== 'attachment';
  out.push({
    part: node.part || '1',
    type,
    size: node.size ?? 0,
    encoding: (node.encoding || '7bit').toLowerCase(),
    isAttachment: !isBodyText,
  });
  return out;
}

/** Decoded size of a part from its encoded size (base64 carries 3 bytes per 4 characters). */
function decodedSize(leaf: LeafPart): number {
  return leaf.encoding === 'base64' ? Math.floor((leaf.size * 3) / 4) : leaf.size;
}

async function fetchOversized(client: ImapFlow, uid: number): Promise<ContentResult> {
  const row = await client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true });
  if (!row || !row.bodyStructure) return { ok: false, detail: 'the server returned no BODYSTRUCTURE for this message' };
  const parts = leaves(row.bodyStructure);
  const attachmentBytes = parts.filter((p) => p.isAttachment).reduce((sum, p) => sum + decodedSize(p), 0);
  if (attachmentBytes <= MAX_ATTACHMENT_BYTES) {
    // Big message, but the attachments fit after decoding: take it whole.
    const full = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!full || !full.source) return { ok: false, detail: 'the server returned no content for this message' };
    return parseFullMessage(full.source);
  }
  let textBody: string | null = null;
  let htmlBody: string | null = null;
  let bytesRead = 0;
  for (const leaf of parts.filter((p) => !p.isAttachment)) {
    // download() decodes the transfer encoding and converts the charset to UTF-8.
    const { content } = await client.download(String(uid), leaf.part, { uid: true });
    if (!content) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks);
    bytesRead += text.length;
    if (leaf.type === 'text/html') htmlBody = (htmlBody ?? '') + text.toString('utf8');
    else textBody = (textBody ?? '') + text.toString('utf8');
  }
  return {
    ok: true,
    content: { textBody, htmlBody, attachments: [], attachmentsSkippedReason: overLimitDetail(attachmentBytes), bytesRead },
  };
}
