// A message's text without its attachments, read part by part from its BODYSTRUCTURE: for a message
// whose attachments are over the 50 MB limit (the blob never crosses the wire), and for one whose
// server sends more than the worker accepts when asked for the whole message.
import type { ImapFlow, MessageStructureObject } from 'imapflow';
import { MAX_ATTACHMENT_BYTES } from '@reply-sync/mail';
import { overLimitDetail, type ContentResult } from './parse-reply';

const CHUNK_BYTES = 4 * 1024 * 1024;

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

async function structure(client: ImapFlow, uid: number): Promise<LeafPart[] | null> {
  const row = await client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true });
  return row && row.bodyStructure ? leaves(row.bodyStructure) : null;
}

const NO_STRUCTURE: ContentResult = { ok: false, detail: 'the server returned no BODYSTRUCTURE for this message' };

/**
 * The text parts only when the attachments (decoded, per BODYSTRUCTURE) exceed the 50 MB limit,
 * logged without attachments; null when they fit, so the caller reads the message whole.
 */
export async function textPartsIfOverLimit(client: ImapFlow, uid: number): Promise<ContentResult | null> {
  const parts = await structure(client, uid);
  if (!parts) return NO_STRUCTURE;
  const attachmentBytes = parts.filter((p) => p.isAttachment).reduce((sum, p) => sum + decodedSize(p), 0);
  if (attachmentBytes <= MAX_ATTACHMENT_BYTES) return null;
  return textOnly(client, uid, parts, overLimitDetail(attachmentBytes));
}

/** The text parts only, logged without attachments for the reason given. */
export async function textParts(client: ImapFlow, uid: number, skippedReason: string): Promise<ContentResult> {
  const parts = await structure(client, uid);
  return parts ? textOnly(client, uid, parts, skippedReason) : NO_STRUCTURE;
}

async function textOnly(client: ImapFlow, uid: number, parts: LeafPart[], skippedReason: string): Promise<ContentResult> {
  let textBody: string | null = null;
  let htmlBody: string | null = null;
  let bytesRead = 0;
  for (const leaf of parts.filter((p) => !p.isAttachment)) {
    // download() decodes the transfer encoding and converts the charset to UTF-8.
    const { content } = await client.download(String(uid), leaf.part, { uid: true, chunkSize: CHUNK_BYTES });
    if (!content) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks);
    bytesRead += text.length;
    if (leaf.type === 'text/html') htmlBody = (htmlBody ?? '') + text.toString('utf8');
    else textBody = (textBody ?? '') + text.toString('utf8');
  }
  return { ok: true, content: { textBody, htmlBody, attachments: [], attachmentsSkippedReason: skippedReason, bytesRead } };
}
