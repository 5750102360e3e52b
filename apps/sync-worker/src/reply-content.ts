// Fetching the full content of the replies a batch will log (and only those), within a memory budget.
// Every read is BODY.PEEK (imapflow's `source`, `bodyParts` and `download` all use it), so nothing sets
// \Seen.
//
// - Small messages (RFC822.SIZE ≤ 1 MiB) are fetched whole while the batch is prepared, several per
//   FETCH (≤ 4 MiB each, ≤ 8 MiB a batch, within a process-wide 128 MiB), and parsed side by side:
//   the usual reply costs no extra round trip.
// - Every other message is fetched when its turn to be written comes (`use`), once the process-wide
//   64 MiB budget allows it (a bigger message waits until it is the only one), streamed in 4 MiB
//   partial FETCHes through mailparser, and let go as soon as its transaction has committed. So the
//   worker never holds two large messages at once, whatever the number of inboxes.
// - Over 50 MB, BODYSTRUCTURE first: when the attachments exceed the limit only the text parts are
//   downloaded, and the blob never crosses the wire.
// - A server that breaks a response limit (packages/mail imap-limits.ts) loses its connection. The
//   messages being fetched are remembered, so the retry fetches them one at a time, streamed, and a
//   message that still breaks a limit then is reported (malformed, with why) instead of failing the
//   inbox over and over.
import type { ImapFlow, MessageStructureObject } from 'imapflow';
import { IMAP_LIMIT_ERROR_CODES, MAX_ATTACHMENT_BYTES } from '@reply-sync/mail';
import { ByteBudget } from './byte-budget';
import { overLimitDetail, parseReply, type ContentResult } from './parse-reply';

export { MAX_ATTACHMENT_BYTES };
export type { ContentResult, ReplyContent } from './parse-reply';

const MiB = 1024 * 1024;
/** Messages up to this size are fetched whole, several per FETCH; bigger ones are streamed one by one. */
export const WHOLE_MESSAGE_MAX_BYTES = 1 * MiB;
const FETCH_MAX_BYTES = 4 * MiB;
const PREFETCH_MAX_BYTES_PER_BATCH = 8 * MiB;
const STREAM_CHUNK_BYTES = 4 * MiB;
/** Whole messages fetched ahead of their commit, all inboxes together. Never waited for. */
const prefetchBudget = new ByteBudget(128 * MiB);
/** Messages fetched at their commit, all inboxes together: the large ones one at a time. */
const streamBudget = new ByteBudget(64 * MiB);

export interface ReplyContents {
  /**
   * Runs `write` with the content of `uid` and lets go of it when `write` settles. Content not
   * fetched ahead is fetched here, when the budget allows.
   */
  use<T>(uid: number, write: (content: ContentResult) => Promise<T>): Promise<T>;
  /** Lets go of everything still held (a batch abandoned before its commit). Idempotent. */
  release(): void;
}

/**
 * The contents of the UIDs in `wanted` (UID → RFC822.SIZE) of the mailbox `mailboxKey` (inbox id and
 * UIDVALIDITY, for what is remembered between attempts): the small ones fetched now, the rest on use.
 */
export async function fetchReplyContents(client: ImapFlow, wanted: Map<number, number>, mailboxKey: string): Promise<ReplyContents> {
  const prefetched = new Map<number, { result: ContentResult; bytes: number }>();
  for (const group of prefetchGroups(wanted, mailboxKey)) {
    const bytes = group.reduce((sum, uid) => sum + budgetBytes(wanted.get(uid)!), 0);
    if (!prefetchBudget.tryTake(bytes)) break; // the rest are fetched at their commit
    let results: Map<number, ContentResult>;
    try {
      results = await fetchWhole(client, group, mailboxKey);
    } catch (error) {
      prefetchBudget.give(bytes);
      for (const held of prefetched.values()) prefetchBudget.give(held.bytes);
      throw error;
    }
    for (const uid of group) prefetched.set(uid, { result: results.get(uid) ?? NO_CONTENT, bytes: budgetBytes(wanted.get(uid)!) });
  }

  return {
    async use(uid, write) {
      const held = prefetched.get(uid);
      if (held) {
        prefetched.delete(uid);
        try {
          return await write(held.result);
        } finally {
          prefetchBudget.give(held.bytes);
        }
      }
      const size = wanted.get(uid);
      const failed = remembered.get(`${mailboxKey}:${uid}`);
      if (size === undefined || failed?.kind === 'failed') return write(failed?.kind === 'failed' ? { ok: false, detail: failed.detail } : NO_CONTENT);
      const bytes = budgetBytes(size);
      await streamBudget.take(bytes);
      try {
        return await write(await fetchOneByOne(client, uid, size, mailboxKey));
      } finally {
        streamBudget.give(bytes);
      }
    },
    release() {
      for (const held of prefetched.values()) prefetchBudget.give(held.bytes);
      prefetched.clear();
    },
  };
}

const NO_CONTENT: ContentResult = { ok: false, detail: 'the server returned no content for this message (expunged meanwhile?)' };

/** What a message counts for in a budget: its size, at least 1 KiB (a server may report 0). */
function budgetBytes(size: number): number {
  return Math.max(size, 1024);
}

/** Groups of small UIDs for one FETCH each, up to the batch's prefetch allowance. */
function prefetchGroups(wanted: Map<number, number>, mailboxKey: string): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let groupBytes = 0;
  let total = 0;
  for (const [uid, size] of wanted) {
    if (size > WHOLE_MESSAGE_MAX_BYTES || remembered.has(`${mailboxKey}:${uid}`)) continue;
    const bytes = budgetBytes(size);
    if (total + bytes > PREFETCH_MAX_BYTES_PER_BATCH) break;
    if (groupBytes + bytes > FETCH_MAX_BYTES && group.length > 0) {
      groups.push(group);
      group = [];
      groupBytes = 0;
    }
    group.push(uid);
    groupBytes += bytes;
    total += bytes;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** One FETCH of whole messages, collected first (no other command runs meanwhile), then parsed side by side. */
async function fetchWhole(client: ImapFlow, uids: number[], mailboxKey: string): Promise<Map<number, ContentResult>> {
  const sources = await watchingLimits(client, mailboxKey, uids, false, async () => {
    const rows: { uid: number; source: Buffer }[] = [];
    for await (const row of client.fetch(uids.join(','), { uid: true, source: true }, { uid: true })) {
      if (row.source) rows.push({ uid: row.uid, source: row.source });
    }
    return rows;
  });
  const results = new Map<number, ContentResult>();
  await Promise.all(sources.map(async (row) => results.set(row.uid, await parseReply(row.source))));
  return results;
}

async function fetchOneByOne(client: ImapFlow, uid: number, size: number, mailboxKey: string): Promise<ContentResult> {
  return watchingLimits(client, mailboxKey, [uid], true, async () => {
    if (size > MAX_ATTACHMENT_BYTES) {
      const textOnly = await textPartsIfOverLimit(client, uid);
      if (textOnly) return textOnly;
    }
    return streamWhole(client, uid);
  });
}

/** The whole message in partial FETCHes, parsed as it arrives. */
async function streamWhole(client: ImapFlow, uid: number): Promise<ContentResult> {
  const { content } = await client.download(String(uid), undefined, { uid: true, chunkSize: STREAM_CHUNK_BYTES });
  if (!content) return NO_CONTENT;
  try {
    return await parseReply(content);
  } catch (error) {
    // imapflow stops a download at twice the RFC822.SIZE the server reported: the server is wrong
    // about this message, and will be the next time too.
    if ((error as { code?: string }).code === 'DownloadOverflow') {
      return { ok: false, detail: 'the server sent more than twice the size it reported for this message; it was not read' };
    }
    throw error;
  } finally {
    content.destroy();
  }
}

// Messages whose fetch broke a response limit, per mailbox (key `mailboxKey:uid`): 'alone' = fetch it
// by itself, streamed, next time; 'failed' = it broke a limit even so, report it. In this process only
// (another worker finds out again, at the cost of one reconnect); bounded, the oldest go first.
const remembered = new Map<string, { kind: 'alone' } | { kind: 'failed'; detail: string }>();
const REMEMBERED_MAX = 10_000;

/**
 * Runs `fetch` for `uids`. When it fails because the server broke a response limit (imapflow then
 * closes the connection: the command only sees NoConnection, the cause comes as an 'error' event),
 * the UIDs are remembered before the error goes on to end the session's connection: fetched by
 * itself next time, or, when this already was a message by itself, reported as not readable.
 */
async function watchingLimits<T>(client: ImapFlow, mailboxKey: string, uids: number[], alone: boolean, fetch: () => Promise<T>): Promise<T> {
  let limitError: Error | null = null;
  const onError = (error: unknown) => {
    if (IMAP_LIMIT_ERROR_CODES.has((error as { code?: string })?.code ?? '')) limitError = error as Error;
  };
  client.on('error', onError);
  try {
    return await fetch();
  } catch (error) {
    const cause = limitError as Error | null;
    if (cause) {
      const outcome = alone
        ? { kind: 'failed' as const, detail: `the server sent more for this message than the worker accepts (${cause.message}); it was not read` }
        : { kind: 'alone' as const };
      for (const uid of uids) {
        if (remembered.size >= REMEMBERED_MAX) remembered.delete(remembered.keys().next().value!);
        remembered.set(`${mailboxKey}:${uid}`, outcome);
      }
    }
    throw error;
  } finally {
    client.off('error', onError);
  }
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

/**
 * For a message over 50 MB: its BODYSTRUCTURE, and when the attachments (decoded) exceed the limit
 * only its text parts, logged without attachments. Null when the attachments fit: stream it whole.
 */
async function textPartsIfOverLimit(client: ImapFlow, uid: number): Promise<ContentResult | null> {
  const row = await client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true });
  if (!row || !row.bodyStructure) return { ok: false, detail: 'the server returned no BODYSTRUCTURE for this message' };
  const parts = leaves(row.bodyStructure);
  const attachmentBytes = parts.filter((p) => p.isAttachment).reduce((sum, p) => sum + decodedSize(p), 0);
  if (attachmentBytes <= MAX_ATTACHMENT_BYTES) return null;
  let textBody: string | null = null;
  let htmlBody: string | null = null;
  let bytesRead = 0;
  for (const leaf of parts.filter((p) => !p.isAttachment)) {
    // download() decodes the transfer encoding and converts the charset to UTF-8.
    const { content } = await client.download(String(uid), leaf.part, { uid: true, chunkSize: STREAM_CHUNK_BYTES });
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
