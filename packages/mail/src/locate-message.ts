// Finds one message (by Message-ID) in every folder of a mailbox, read-only and headers only, so the
// CLI can explain replies the worker never sees (it reads the INBOX only: a reply a server-side filter
// filed in a subfolder or Junk gets no decision row otherwise).
import type { ImapFlow } from 'imapflow';

export interface LocatedMessage {
  /** Mailbox path as the server lists it (e.g. `INBOX/Projects`, `[Gmail]/Spam`). */
  mailbox: string;
  /** The mailbox's special-use flag (`\Junk`, `\Sent`, ...), or null when it has none. */
  specialUse: string | null;
  uidValidity: number;
  uid: number;
  /** The raw header fields asked for (`BODY.PEEK[HEADER.FIELDS (...)]`), never the body. */
  headers: Buffer;
  internalDate: Date;
}

export interface LocateMessageOptions {
  /** Header fields to fetch for each hit; the caller passes threading's HEADER_FIELDS_FOR_SCAN. */
  headerFields: readonly string[];
  /**
   * Special-use mailboxes not searched. Default `\All` and `\Flagged`: virtual folders (Gmail's All
   * Mail, Starred) that repeat messages found in their real folders. Trash is searched: a deleted
   * reply still deserves an answer.
   */
  skipSpecialUse?: readonly string[];
}

export const DEFAULT_SKIP_SPECIAL_USE: readonly string[] = ['\\All', '\\Flagged'];

const UNSELECTABLE = ['\\noselect', '\\nonexistent'];

/** The id without angle brackets or surrounding space: what `SEARCH HEADER Message-ID` substring-matches. */
function searchTerm(messageId: string): string {
  return messageId.trim().replace(/^</, '').replace(/>$/, '').trim();
}

/**
 * Every copy of the message in the account's selectable mailboxes: for each one EXAMINE (read-only, so
 * nothing is marked \Seen or expunged), `UID SEARCH HEADER Message-ID`, then a header-only
 * `BODY.PEEK[HEADER.FIELDS (...)]` fetch of the hits. The search is a substring match: callers compare
 * the parsed Message-ID of each hit. The client must be connected; it is left connected with no
 * mailbox selected.
 */
export async function locateMessage(client: ImapFlow, messageId: string, options: LocateMessageOptions): Promise<LocatedMessage[]> {
  const term = searchTerm(messageId);
  if (!term) return [];
  const skip = new Set((options.skipSpecialUse ?? DEFAULT_SKIP_SPECIAL_USE).map((s) => s.toLowerCase()));
  const mailboxes = await client.list();
  const found: LocatedMessage[] = [];
  for (const box of mailboxes) {
    const flags = [...(box.flags ?? [])].map((f) => String(f).toLowerCase());
    if (flags.some((f) => UNSELECTABLE.includes(f))) continue;
    const specialUse = box.specialUse ? String(box.specialUse) : null;
    if (specialUse && skip.has(specialUse.toLowerCase())) continue;

    const opened = await client.mailboxOpen(box.path, { readOnly: true });
    if (opened.exists === 0) continue;
    const uids = await client.search({ header: { 'message-id': term } }, { uid: true });
    if (!uids || uids.length === 0) continue;
    // fetchAll collects first, so no other command runs inside the fetch.
    const rows = await client.fetchAll(uids, { uid: true, internalDate: true, headers: [...options.headerFields] }, { uid: true });
    for (const row of rows) {
      found.push({
        mailbox: box.path,
        specialUse,
        uidValidity: Number(opened.uidValidity),
        uid: row.uid,
        headers: row.headers ?? Buffer.alloc(0),
        internalDate: row.internalDate instanceof Date ? row.internalDate : new Date(row.internalDate ?? Date.now()),
      });
    }
  }
  if (client.mailbox) await client.mailboxClose();
  return found;
}
