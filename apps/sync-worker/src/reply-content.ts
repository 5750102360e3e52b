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
//   downloaded, and the blob never crosses the wire (text-parts.ts).
// - A server that breaks a response limit loses its connection; the retry reads the messages involved
//   more carefully (limit-breaches.ts), down to a `malformed` decision saying why.
import type { ImapFlow } from 'imapflow';
import { MAX_ATTACHMENT_BYTES } from '@reply-sync/mail';
import { ByteBudget } from './byte-budget';
import { breachOf, watchingLimits, type Breach } from './limit-breaches';
import { parseReply, type ContentResult } from './parse-reply';
import { textParts, textPartsIfOverLimit } from './text-parts';

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
  /**
   * The contents fetched ahead and still held, by UID: what a batch can write in one transaction.
   * They stay held until use() or release().
   */
  held(): Map<number, ContentResult>;
  /** Lets go of everything still held (a batch abandoned before its commit, or written). Idempotent. */
  release(): void;
}

/**
 * The contents of the UIDs in `wanted` (UID → RFC822.SIZE) of `mailbox` (inbox id and UIDVALIDITY,
 * for what is remembered between attempts): the small ones fetched now, the rest on use.
 */
export async function fetchReplyContents(client: ImapFlow, wanted: Map<number, number>, mailbox: string): Promise<ReplyContents> {
  const prefetched = new Map<number, { result: ContentResult; bytes: number }>();
  for (const group of prefetchGroups(wanted, mailbox)) {
    const bytes = group.reduce((sum, uid) => sum + budgetBytes(wanted.get(uid)!), 0);
    if (!prefetchBudget.tryTake(bytes)) break; // the rest are fetched at their commit
    let results: Map<number, ContentResult>;
    try {
      results = await fetchWhole(client, group, mailbox);
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
      if (size === undefined) return write(NO_CONTENT);
      const bytes = budgetBytes(size);
      await streamBudget.take(bytes);
      try {
        return await write(await fetchByItself(client, uid, size, mailbox));
      } finally {
        streamBudget.give(bytes);
      }
    },
    held() {
      return new Map([...prefetched].map(([uid, held]) => [uid, held.result]));
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
function prefetchGroups(wanted: Map<number, number>, mailbox: string): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let groupBytes = 0;
  let total = 0;
  for (const [uid, size] of wanted) {
    if (size > WHOLE_MESSAGE_MAX_BYTES || breachOf(mailbox, uid)) continue;
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
async function fetchWhole(client: ImapFlow, uids: number[], mailbox: string): Promise<Map<number, ContentResult>> {
  const sources = await watchingLimits(client, mailbox, uids, () => ({ next: 'alone' }), async () => {
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

function tooMuchDetail(cause: Error): string {
  return `the server sent more for this message than the worker accepts (${cause.message})`;
}

/** One message by itself: streamed whole, or its text parts only (over the limit, or after a breach). */
async function fetchByItself(client: ImapFlow, uid: number, size: number, mailbox: string): Promise<ContentResult> {
  const breach = breachOf(mailbox, uid);
  if (breach?.next === 'failed') return { ok: false, detail: `${breach.detail}; it was not read` };
  if (breach?.next === 'text_only') {
    const failed = (cause: Error): Breach => ({ next: 'failed', detail: tooMuchDetail(cause) });
    return watchingLimits(client, mailbox, [uid], failed, () => textParts(client, uid, `${breach.detail}; logged without attachments`));
  }
  const textOnly = (cause: Error): Breach => ({ next: 'text_only', detail: tooMuchDetail(cause) });
  return watchingLimits(client, mailbox, [uid], textOnly, async () => {
    if (size > MAX_ATTACHMENT_BYTES) {
      const overLimit = await textPartsIfOverLimit(client, uid);
      if (overLimit) return overLimit;
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
    // about this message, and will be the next time too. Its text parts are still worth reading.
    if ((error as { code?: string }).code === 'DownloadOverflow') {
      return textParts(client, uid, 'the server sent more than twice the size it reported for this message; logged without attachments');
    }
    throw error;
  } finally {
    content.destroy();
  }
}
