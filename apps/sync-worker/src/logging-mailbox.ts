// The catch-all logging mailbox (issue 14): for an inbox marked as the account's logging inbox, each
// folder it lists is EXAMINEd in turn and every message after the folder's checkpoint is read whole
// (BODY.PEEK[]: nothing is marked read), spooled in inbound_messages with its (inbox, folder,
// uidvalidity, uid) and put on apps/inbound's queue, where the SMTP path's pipeline decides it.
//
// BCC or forward: the mailbox has no SMTP envelope. A message whose To/Cc name the logging address (or
// an alias) was sent to it: a forward. One whose To/Cc do not was Bcc'd to it: a BCC, logged on its To
// and Cc recipients. The spool row's envelope recipients are the logging address and its aliases, so a
// `Bcc:` header naming anyone else still keeps them off the timeline, as on the SMTP path.
//
// Exactly once: the spool row and the folder's checkpoint commit together, and the (inbox, folder,
// uidvalidity, uid) is unique, so a re-read (a crash, a restart) spools nothing twice. A job lost
// between the commit and the queue is re-queued by apps/inbound's start-up sweep of spooled rows.
import type { ImapFlow } from 'imapflow';
import type { InboundAddressKind, InboundOutcome, MailboxPlace, SpoolInput } from '@reply-sync/db';
import { decodeHeaderValue, firstHeader, normalizeAddress, parseAddressList, parseHeaderBlock } from '@reply-sync/threading';
import type { Logger } from './logger';

/** Larger messages are left unread, decided `message_too_large` (apps/inbound's SMTP limit, INBOUND_MAX_MESSAGE_BYTES). */
export const MAX_LOGGING_MESSAGE_BYTES = 75 * 1024 * 1024;

export interface LoggingStore {
  folderCheckpoint(inboxId: string, folder: string): Promise<{ uidvalidity: number; lastUid: number } | null>;
  saveFolderCheckpoint(inboxId: string, folder: string, uidvalidity: number, lastUid: number): Promise<void>;
  spoolFromMailbox(input: SpoolInput & MailboxPlace & { decided?: InboundOutcome }): Promise<string | null>;
}

export interface LoggingMailboxContext {
  client: ImapFlow;
  store: LoggingStore;
  accountId: string;
  inbox: { id: string; address: string; aliases: string[]; loggingFolders: string[] };
  /** Default MAX_LOGGING_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /** Puts spooled messages on the inbound queue (apps/inbound's worker processes them). */
  enqueue(jobs: { accountId: string; inboundMessageId: string }[]): Promise<void>;
  logger: Logger;
  signal: AbortSignal;
  /** Folders already reported as not opening (one warning per connection, not one per poll). */
  unopenable?: Set<string>;
}

/** `fwd` when the To/Cc name the logging address (it was sent to it), else `bcc` (it was Bcc'd to it). */
export function mailboxAddressKind(headers: Map<string, string[]>, loggingAddresses: ReadonlySet<string>): InboundAddressKind {
  const named = parseAddressList([...(headers.get('to') ?? []), ...(headers.get('cc') ?? [])].join(', '));
  return named.some((a) => loggingAddresses.has(normalizeAddress(a.address))) ? 'fwd' : 'bcc';
}

/** Reads every listed folder once, up to its end; returns how many messages were spooled. */
export async function readLoggingFolders(ctx: LoggingMailboxContext): Promise<number> {
  let spooled = 0;
  for (const folder of ctx.inbox.loggingFolders) {
    if (ctx.signal.aborted) break;
    spooled += await readFolder(ctx, folder);
  }
  return spooled;
}

async function readFolder(ctx: LoggingMailboxContext, folder: string): Promise<number> {
  const { client, store, inbox, logger } = ctx;
  let mailbox;
  try {
    mailbox = await client.mailboxOpen(folder, { readOnly: true });
  } catch (error) {
    // A folder that does not exist (a typo, renamed): the others are still read.
    if (!client.usable) throw error;
    if (ctx.unopenable?.has(folder)) return 0;
    ctx.unopenable?.add(folder);
    logger.warn({ folder, err: error instanceof Error ? error.message : String(error) }, 'logging folder cannot be opened; skipped');
    return 0;
  }
  const uidvalidity = Number(mailbox.uidValidity);
  const stored = await store.folderCheckpoint(inbox.id, folder);
  if (!stored || stored.uidvalidity !== uidvalidity) {
    // First read, or the server renumbered the folder: new mail only, from UIDNEXT on.
    const lastUid = Math.max(0, mailbox.uidNext - 1);
    await store.saveFolderCheckpoint(inbox.id, folder, uidvalidity, lastUid);
    logger.info({ folder, uidvalidity, lastUid, why: stored ? 'uidvalidity_changed' : 'first_read' }, 'logging folder baselined at UIDNEXT-1');
    return 0;
  }
  if (mailbox.exists === 0 || mailbox.uidNext - 1 <= stored.lastUid) return 0;
  const ours = new Set([inbox.address, ...inbox.aliases].map(normalizeAddress));
  const listed = await client.fetchAll(`${stored.lastUid + 1}:*`, { uid: true, size: true }, { uid: true });
  const uids = listed.filter((m) => m.uid > stored.lastUid).sort((a, b) => a.uid - b.uid);
  const max = ctx.maxMessageBytes ?? MAX_LOGGING_MESSAGE_BYTES;
  let spooled = 0;
  for (const { uid, size } of uids) {
    if (ctx.signal.aborted) break;
    const tooLarge = (size ?? 0) > max;
    // `source` is BODY.PEEK[] (BODY.PEEK[HEADER] for one too large to read): reading does not set \Seen.
    const message = await client.fetchOne(String(uid), tooLarge ? { uid: true, headers: true } : { uid: true, source: true }, { uid: true });
    const raw = message ? (tooLarge ? message.headers : message.source) : undefined;
    if (!raw) continue; // expunged meanwhile
    const headers = parseHeaderBlock(raw);
    const from = parseAddressList((headers.get('from') ?? []).join(', '))[0];
    const id = await store.spoolFromMailbox({
      addressKind: mailboxAddressKind(headers, ours),
      envelopeFrom: null,
      envelopeTo: [...ours],
      clientIp: null,
      helo: null,
      raw: Buffer.from(raw),
      size: size ?? raw.length,
      ...(tooLarge
        ? {
            decided: {
              decision: 'skipped' as const,
              reasonCode: 'message_too_large',
              detail: `the message is ${size} bytes, over the ${max} the worker reads from a logging mailbox`,
              messageId: null,
              fromAddress: null,
              subject: null,
              emailId: null,
            },
          }
        : {}),
      messageId: firstHeader(headers, 'message-id')?.trim().slice(0, 998) ?? null,
      fromAddress: from?.address.toLowerCase() ?? null,
      subject: decodeHeaderValue(firstHeader(headers, 'subject')).replace(/\s+/g, ' ').trim().slice(0, 998),
      inboxId: inbox.id,
      folder,
      uidvalidity,
      uid,
    });
    if (id && tooLarge) logger.warn({ folder, uid, size }, 'logging message too large to read: decided message_too_large');
    else if (id) {
      spooled += 1;
      // The row is committed: a queue that is away costs a delay (apps/inbound's sweep of spooled rows), not the message.
      await ctx.enqueue([{ accountId: ctx.accountId, inboundMessageId: id }]).catch((error: unknown) => {
        logger.warn({ folder, uid, err: error instanceof Error ? error.message : String(error) }, 'logging message spooled but not queued; apps/inbound queues it at its next start');
      });
    }
  }
  if (spooled > 0) logger.info({ folder, spooled }, 'logging messages spooled');
  return spooled;
}
