/// <reference path="./html-to-text.d.ts" />
// A message sent to a forwarding address, read for the one reply it forwards: email-forward-parser on
// the text part, and on the HTML part (as text) when the text part has no forward header or there is
// none, so a message with only one of the two works. A forwarded message that itself holds a forward
// header is a whole thread (Gmail's "Forward all", Outlook forwarding a conversation).
import type { Address, ForwardReading } from '@reply-sync/threading';
import EmailForwardParser, { type EmailForwardMailbox, type EmailForwardResult } from 'email-forward-parser';
import { convert } from 'html-to-text';

/** The original message as the forward header and body give it. */
export interface ForwardedOriginal {
  from: Address | null;
  to: Address[];
  cc: Address[];
  subject: string;
  /** The Date line as the client wrote it (localised: "30 november 2026 om 10:15:08 CET"). */
  dateText: string | null;
  body: string;
  /** Which part the header was found in. */
  part: 'text' | 'html';
}

export type ForwardRead = { reading: ForwardReading; original: ForwardedOriginal | null };

// Deepest HTML nesting converted, as mailparser does (html-to-text walks recursively).
export const MAX_HTML_DEPTH = 1000;

/**
 * How much of a part's text the parser reads: its regular expressions (native RegExp; re2, which would
 * make them linear, is an optional native dependency we do not install) take quadratic time on some input:
 * 64 KB of "<" took 35 s, 5,000 blank lines 6 s. Whitespace runs are collapsed first (that removes the
 * blank-line case) and only the first 8 KB are read (8 KB of "<": about 1 s); the forward header sits near
 * the top, and the text past the cut is appended to the original's body as it is.
 */
export const FORWARD_SCAN_CHARS = 8192;

/** CRLF to LF, no trailing blanks on a line, one space for a run of blanks, at most one empty line in a row. */
function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+$/gm, '')
    .replace(/[^\S\n]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n');
}

const parser = new EmailForwardParser();

function mailbox(m: EmailForwardMailbox | null | undefined): Address | null {
  const address = m?.address?.trim();
  if (!address) return null;
  const name = m?.name?.trim();
  return name ? { address, name } : { address };
}

function mailboxes(m: EmailForwardMailbox | EmailForwardMailbox[] | null | undefined): Address[] {
  return (Array.isArray(m) ? m : m ? [m] : []).map(mailbox).filter((a): a is Address => a !== null);
}

function htmlAsText(html: string): string {
  try {
    // Links as their text only: "Bob <bob@x.test [mailto:bob@x.test]>" would hide the address from the parser.
    return convert(html, { wordwrap: false, limits: { maxDepth: MAX_HTML_DEPTH }, selectors: [{ selector: 'a', options: { ignoreHref: true } }, { selector: 'img', format: 'skip' }] });
  } catch {
    return '';
  }
}

/**
 * A forward header's Date line, in the clients' languages: what stands in when the parser kept none.
 * (email-forward-parser starts Polish Thunderbird's header at its "Od:" line, below "Temat:" and
 * "Data:"). Labels only, one line, no nested quantifiers.
 */
const DATE_LINE = /^[>\s]*(?:Date|Datum|Data|Fecha|Sent|Gesendet|Verzonden|Wysłano|Inviato|Enviado|Envoyé)\s*:[ \t]*([^\n]{1,200})$/gimu;

/** The first Date line above the original's body (in the scanned window), or null. */
function dateLineAbove(scanned: string, parsedBody: string): string | null {
  const start = parsedBody.trim().slice(0, 40);
  const end = start ? scanned.indexOf(start) : -1;
  const header = end >= 0 ? scanned.slice(0, end) : scanned;
  for (const match of header.matchAll(DATE_LINE)) {
    const value = match[1]!.trim();
    if (value) return value;
  }
  return null;
}

function read(body: string, subject: string): EmailForwardResult | null {
  if (!body.trim()) return null;
  body = body.slice(0, FORWARD_SCAN_CHARS);
  // With the subject first (some clients are only recognised by their "WG:"/"TR:" prefix), then
  // without (a subject the user rewrote hides a body that has its separator).
  const withSubject = parser.read(body, subject || null);
  if (withSubject.forwarded) return withSubject;
  const bodyOnly = parser.read(body);
  return bodyOnly.forwarded ? bodyOnly : null;
}

export function readForward(parts: { text: string | null; html: string | null; subject: string }): ForwardRead {
  const candidates: { part: 'text' | 'html'; body: string }[] = [];
  if (parts.text) candidates.push({ part: 'text', body: parts.text });
  if (parts.html) candidates.push({ part: 'html', body: htmlAsText(parts.html) });
  // The first part whose forward header gives the original's From address wins; a header without one
  // (mailparser's own text of an HTML-only message keeps link targets: "bob@x [mailto:bob@x]") lets the
  // next part try.
  let fallback: ForwardRead | null = null;
  for (const candidate of candidates) {
    const { part } = candidate;
    const body = normalise(candidate.body);
    const result = read(body, parts.subject);
    if (!result) continue;
    const parsedBody = result.email.body ?? '';
    if (parsedBody.trim() && parser.read(parsedBody.slice(0, FORWARD_SCAN_CHARS)).forwarded) return { reading: { kind: 'thread' }, original: null };
    const inner = parsedBody + body.slice(FORWARD_SCAN_CHARS);
    const from = mailbox(result.email.from);
    const found: ForwardRead = {
      reading: { kind: 'forward', originalFrom: from },
      original: {
        from,
        to: mailboxes(result.email.to),
        cc: mailboxes(result.email.cc),
        subject: (result.email.subject ?? '').replace(/\s+/g, ' ').trim(),
        dateText: result.email.date?.trim() || dateLineAbove(body.slice(0, FORWARD_SCAN_CHARS), parsedBody),
        body: inner.trim(),
        part,
      },
    };
    if (from) return found;
    fallback ??= found;
  }
  if (fallback) return fallback;
  return { reading: { kind: 'not_recognised' }, original: null };
}
