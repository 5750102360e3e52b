// How much one IMAP response may make the client hold, derived from the 50 MB attachment rule.
// imapflow's own defaults (1 GiB per literal and per line, 2 GiB per response) would let a tenant's
// server exhaust a worker that many inboxes share; exceeding one of these ends that connection with
// the error codes below instead.

/** Attachments of one email above this total (decoded) are not stored: logged_without_attachments. */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

/** Bytes of base64 for `decoded` bytes, with the CRLF that ends every 76-character line. */
export function base64Bytes(decoded: number): number {
  return Math.ceil(decoded / 57) * 78;
}

/**
 * The largest literal accepted (76.4 MiB): the biggest message ever taken in one piece, 50 MB of
 * attachments as base64 (68.4 MiB) plus 8 MiB of headers and text. The worker streams big messages
 * in 4 MiB partial FETCHes, so an honest server never comes near it; it matters for a server that
 * ignores the partial range and answers with the whole message, and for one that lies.
 */
export const MAX_LITERAL_BYTES = base64Bytes(MAX_ATTACHMENT_BYTES) + 8 * 1024 * 1024;

/**
 * A response line outside literals. The longest legitimate ones are BODYSTRUCTUREs (about 150 bytes
 * per MIME part): 1 MiB is several thousand parts.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/** One response in all: a literal at the limit plus its lines. */
export const MAX_RESPONSE_BYTES = MAX_LITERAL_BYTES + 2 * MAX_LINE_BYTES;

/**
 * Tokens in one response (imapflow: ~100 bytes of heap each while parsed, default 1,000,000). A
 * BODYSTRUCTURE of several thousand parts stays well below.
 */
export const MAX_RESPONSE_TOKENS = 200_000;

/** imapflow's error codes for a response over one of these limits; the connection is closed. */
export const IMAP_LIMIT_ERROR_CODES: ReadonlySet<string> = new Set(['LiteralTooLarge', 'LineTooLarge', 'ResponseTooLarge', 'TooManyTokens']);
