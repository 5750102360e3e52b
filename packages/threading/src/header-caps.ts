// How much of each header field is read. Every parser here is linear, but a header block is whatever
// a sender wrote, and one worker's event loop serves all its sessions: these caps bound the work and
// the memory one message can cost before parsing starts. Real mail stays far below each of them.

/**
 * One field's value as parseHeaderBlock returns it; of a longer one the first and last halves are
 * kept (see capHeadAndTail), since References keeps its newest ids at the end.
 */
export const MAX_FIELD_LENGTH = 256 * 1024;
/** To and Cc: about 1,500 recipients; the rules only look for the contact and the thread's people. */
export const MAX_ADDRESS_LIST_LENGTH = 64 * 1024;
/**
 * Words and comments kept per entry. A display name is a few words; a segment of thousands (a list
 * written without commas, or noise) would otherwise be held in memory to the end of the value only
 * to become one absurd name. An entry's first bare address is kept whatever its position.
 */
export const MAX_WORDS_PER_ENTRY = 64;
/**
 * Addresses returned per list. Far above any real To or Cc (mass mail goes out as Bcc), and it keeps
 * what one hostile value can make the worker hold in memory bounded; the rest of the value is still
 * scanned, so a later group or quote cannot change the ones kept.
 */
export const MAX_ADDRESSES_PER_LIST = 2000;
/** From and Message-ID: one address, one id; RFC 5322 lines stop at 998 characters. */
export const MAX_SINGLE_VALUE_LENGTH = 2 * 1024;
/** Date: an RFC 5322 date with its zone comment is about 40 characters; V8's Date.parse reads the rest. */
export const MAX_DATE_LENGTH = 256;
/** Subject: room for encoded words (which triple the length) around a long subject line. */
export const MAX_SUBJECT_LENGTH = 8 * 1024;
/** In-Reply-To: one id, sometimes a few. */
export const MAX_IN_REPLY_TO_LENGTH = 8 * 1024;
/**
 * References: the newest ids (at the end) and the thread's root (the first id) matter, so the head
 * and the tail of a longer value are kept and the middle is dropped; MAX_REFERENCES (50) ids of
 * ~100 characters fit in the tail many times over.
 */
export const MAX_REFERENCES_HEAD_LENGTH = 2 * 1024;
export const MAX_REFERENCES_TAIL_LENGTH = 32 * 1024;
/** Auto-Submitted, Content-Type, Return-Path and the other fields the rules read (MessageFacts.headers). */
export const MAX_RULE_FIELD_LENGTH = 4 * 1024;

/** The first `max` characters of `value`. */
export function capValue(value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length > max ? value.slice(0, max) : value;
}

/**
 * The head and the tail of a long value with the middle dropped. Each cut is moved to a separator
 * (whitespace, comma or bracket) so no id or address is cut in two: a shortened Message-ID could
 * otherwise equal some other message's id.
 */
export function capHeadAndTail(value: string | undefined, headMax: number, tailMax: number): string | undefined {
  if (value === undefined || value.length <= headMax + tailMax) return value;
  let headEnd = headMax;
  while (headEnd > 0 && !isSeparator(value.charCodeAt(headEnd))) headEnd--;
  let tailStart = value.length - tailMax;
  while (tailStart < value.length && !isSeparator(value.charCodeAt(tailStart - 1))) tailStart++;
  return `${value.slice(0, headEnd)} ${value.slice(tailStart)}`;
}

function isSeparator(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x2c || c === 0x3c || c === 0x3e;
}
