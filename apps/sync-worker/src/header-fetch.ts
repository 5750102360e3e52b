// The catch-up's header FETCH (`UID FETCH … (UID INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (…)])`):
// sent through imapflow's command queue, its untagged responses read by parseHeaderFetchResponse
// instead of imapflow's generic parser. The command, the IMAP stream (line and literal limits), the
// tagged completion, the IDLE break and the timeouts all stay imapflow's; only the reading of the
// FETCH lines changes. A line the lean reader does not recognise goes to imapflow's parser and the
// command's own untagged handler, as before. Should imapflow's internals not be what this expects
// (a new version), the FETCH goes through client.fetch() as it used to.
import type { ImapFlow } from 'imapflow';
import { parseHeaderFetchResponse, parseInternalDate, type FetchedHeaders } from './parse-fetch-response';

export type { FetchedHeaders } from './parse-fetch-response';

/** A line from imapflow's response stream: the line (literal markers kept) and its literals. */
interface StreamItem {
  payload: Buffer;
  literals: Buffer[];
}

/** A parsed token of imapflow's generic parser, as far as the fallback reads it. */
interface Token {
  type?: string;
  value?: unknown;
  section?: unknown[];
}

/** The imapflow internals this relies on (ImapFlow 2.x, imap-flow.js); checked before use. */
interface ImapFlowInternals {
  handleResponse(data: StreamItem): Promise<boolean>;
  exec(command: string, attributes: unknown[], options: ExecOptions): Promise<{ next: () => void }>;
  currentRequest: false | { options?: ExecOptions } | undefined;
  preCheck?: false | (() => Promise<void>);
  mailbox: false | { uidNext: number };
}

interface ExecOptions {
  untagged?: Record<string, (untagged: { command?: string; attributes?: unknown[] }) => Promise<void> | void>;
  /** Set on the catch-up's header FETCHes only: their lines go to the lean reader. */
  leanHeaderFetch?: (row: FetchedHeaders) => void;
}

const patched = new WeakSet<object>();

function internalsOf(client: ImapFlow): ImapFlowInternals | null {
  const c = client as unknown as Partial<ImapFlowInternals>;
  if (typeof c.handleResponse !== 'function' || typeof c.exec !== 'function' || !('currentRequest' in c)) return null;
  return c as ImapFlowInternals;
}

/** Routes the lean FETCH's lines to its reader; every other line goes to imapflow unchanged. */
function patch(internals: ImapFlowInternals): void {
  if (patched.has(internals)) return;
  patched.add(internals);
  const original = internals.handleResponse;
  internals.handleResponse = function (this: ImapFlowInternals, data: StreamItem) {
    const lean = this.currentRequest ? this.currentRequest.options?.leanHeaderFetch : undefined;
    // `*` then a digit: an untagged numbered response (FETCH, EXPUNGE, EXISTS); the reader takes FETCH only
    if (lean && data.payload[0] === 0x2a && data.payload[2]! >= 0x30 && data.payload[2]! <= 0x39) {
      const row = parseHeaderFetchResponse(data.payload, data.literals);
      if (row) {
        lean(row);
        return Promise.resolve(true);
      }
    }
    return original.call(this, data);
  };
}

/** The header FETCH's items in imapflow's command structure (compiled by imapflow as BODY.PEEK[HEADER.FIELDS (…)]). */
function fetchAttributes(range: string, fields: readonly string[]): unknown[] {
  return [
    { type: 'SEQUENCE', value: range },
    [
      { type: 'ATOM', value: 'UID' },
      { type: 'ATOM', value: 'INTERNALDATE' },
      { type: 'ATOM', value: 'RFC822.SIZE' },
      {
        type: 'ATOM',
        value: 'BODY.PEEK',
        section: [{ type: 'ATOM', value: 'HEADER.FIELDS' }, fields.map((field) => ({ type: 'ATOM', value: field }))],
      },
    ],
  ];
}

/** A FETCH line imapflow parsed (the lean reader declined it): the same fields, from its tokens. */
function rowOfParsed(untagged: { attributes?: unknown[] }): FetchedHeaders | null {
  const list = untagged.attributes?.[1];
  if (!Array.isArray(list)) return null;
  let uid: number | undefined;
  let internalDate: Date | undefined;
  let size = 0;
  let headers: Buffer | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const key = list[i] as Token | null;
    const value = list[i + 1] as Token | null;
    const name = typeof key?.value === 'string' ? key.value.toUpperCase() : '';
    const text = typeof value?.value === 'string' ? value.value : Buffer.isBuffer(value?.value) ? value.value.toString() : undefined;
    if (name === 'UID' && text && /^\d{1,10}$/.test(text)) uid = Number(text) || undefined;
    else if (name === 'RFC822.SIZE' && text && /^\d{1,15}$/.test(text)) size = Number(text);
    else if (name === 'INTERNALDATE' && text) internalDate = parseInternalDate(text);
    else if ((name === 'BODY' || name === 'BINARY') && Array.isArray(key?.section)) {
      headers = Buffer.isBuffer(value?.value) ? value.value : typeof value?.value === 'string' ? Buffer.from(value.value) : undefined;
    }
  }
  return uid === undefined ? null : { uid, internalDate, size, headers };
}

/**
 * Fetches UID, INTERNALDATE, RFC822.SIZE and the given header fields (BODY.PEEK: nothing is marked
 * read) of `range` (UIDs), handing each message to `onRow` as its response is read.
 */
export async function fetchHeaderFields(client: ImapFlow, range: string, fields: readonly string[], onRow: (row: FetchedHeaders) => void): Promise<void> {
  const internals = internalsOf(client);
  if (!internals) return fetchThroughImapflow(client, range, fields, onRow);
  patch(internals);
  if (!internals.mailbox) throw Object.assign(new Error('No mailbox is open for the header FETCH'), { code: 'NoMailboxSelected' });
  const mailbox = internals.mailbox;
  const deliver = (row: FetchedHeaders) => {
    // What imapflow does with every UID it reads: UIDNEXT follows the highest one seen
    if (!mailbox.uidNext || mailbox.uidNext <= row.uid) mailbox.uidNext = row.uid + 1;
    onRow(row);
  };
  // As imapflow's run() does for every command: end an IDLE in progress first (DONE)
  if (typeof internals.preCheck === 'function') await internals.preCheck();
  let response: { next: () => void };
  try {
    response = await internals.exec('UID FETCH', fetchAttributes(range, fields), {
      leanHeaderFetch: deliver,
      untagged: {
        FETCH: (untagged) => {
          const row = rowOfParsed(untagged);
          if (row) deliver(row);
        },
      },
    });
  } catch (error) {
    // A throttled server: imapflow's fetch() retries with its back-off (the rows come again; callers key them by UID)
    if ((error as { code?: unknown } | null)?.code === 'ETHROTTLE') return fetchThroughImapflow(client, range, fields, onRow);
    throw error;
  }
  // Lets imapflow send the next queued command
  response.next();
}

/** The same FETCH through imapflow's own fetch() and parser. */
async function fetchThroughImapflow(client: ImapFlow, range: string, fields: readonly string[], onRow: (row: FetchedHeaders) => void): Promise<void> {
  for await (const r of client.fetch(range, { uid: true, internalDate: true, size: true, headers: [...fields] }, { uid: true })) {
    const internalDate = r.internalDate instanceof Date ? r.internalDate : r.internalDate ? parseInternalDate(String(r.internalDate)) : undefined;
    onRow({ uid: r.uid, internalDate, size: r.size ?? 0, headers: r.headers });
  }
}
