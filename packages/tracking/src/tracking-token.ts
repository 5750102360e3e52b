// Tracking tokens: what a pixel or a rewritten link carries (account, email, recipient, send time and, for
// a link, its target), signed with HMAC-SHA256 under a key id, in compact binary as base64url. A click is
// redirected from the token alone (no database look-up), and only a token we signed can name a target, so
// the redirect cannot be used as an open redirect.
import { hmacSha256, hmacSha256Matches } from './hmac-sha256';
import type { TrackingKey, TrackingKeyring } from './tracking-keys';

export type TrackingTokenKind = 'open' | 'click';

export interface TrackingClaims {
  kind: TrackingTokenKind;
  accountId: string;
  /** The outgoing email (outgoing_emails.id). */
  emailId: string;
  /** The recipient's address, lower-case. */
  recipient: string;
  /** When the message was handed to SMTP (second precision): "opens in the first seconds" are measured from it. */
  sentAt: Date;
  /** The link's original http(s) URL (clicks only). */
  target?: string;
}

export type TokenRefusal = 'malformed' | 'unknown_key' | 'bad_signature' | 'bad_target';

export type VerifiedToken = { ok: true; claims: TrackingClaims; kid: string } | { ok: false; reason: TokenRefusal };

const VERSION = 1;
const KIND_BYTE: Record<TrackingTokenKind, number> = { open: 1, click: 2 };
/** 128 bits of HMAC-SHA256: forging needs 2^128 tries, and links stay short. */
const MAC_BYTES = 16;
const MAX_KID = 16;
const MAX_RECIPIENT = 254;
const MAX_TARGET = 4096;
// The layout: version, kind, kid length, kid, account id, email id, sent at (u32 seconds), recipient length,
// recipient, then for a click the target's length (u16) and the target, then the MAC.
const HEAD_BYTES = 3;
const IDS_AND_TIME_BYTES = 16 + 16 + 4;
const MAX_OPEN_BYTES = HEAD_BYTES + MAX_KID + IDS_AND_TIME_BYTES + 1 + MAX_RECIPIENT + MAC_BYTES;
const base64urlChars = (bytes: number) => Math.ceil((bytes * 4) / 3);
/** Longest token we even look at, in base64url characters. */
export const MAX_TOKEN_CHARS = base64urlChars(MAX_OPEN_BYTES + 2 + MAX_TARGET);
/** Longest open token (no target): what a pixel hit may carry to the recorder. */
export const MAX_OPEN_TOKEN_CHARS = base64urlChars(MAX_OPEN_BYTES);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Verifying a token of an unknown key still computes one HMAC, so the answer takes as long as for a known key.
const DUMMY_SECRET = Buffer.alloc(32, 0x5a);

export class TrackingTokenError extends Error {
  readonly code = 'tracking_token_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'TrackingTokenError';
  }
}

/** Only http(s) URLs with a host may be a click target (no javascript:, data:, or relative URLs). */
export function isTrackableUrl(value: string): boolean {
  return trackableHref(value) !== null;
}

/** The URL as the parser writes it when it may be a click target, else null; parsed once (the redirect's hot path). */
function trackableHref(value: string): string | null {
  const url = URL.parse(value);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url.href : null;
}

function uuidBytes(value: string, what: string): Buffer {
  if (!UUID.test(value)) throw new TrackingTokenError(`The ${what} ${value} is not a uuid.`);
  return Buffer.from(value.replaceAll('-', ''), 'hex');
}

function uuidOf(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}


/** Signs claims with the newest key (keyring[0]). Throws TrackingTokenError for claims that cannot be carried. */
export function signTrackingToken(keyring: TrackingKeyring, claims: TrackingClaims): string {
  const key = keyring[0];
  if (!key) throw new TrackingTokenError('There is no tracking key to sign with.');
  const recipient = Buffer.from(claims.recipient.toLowerCase(), 'utf8');
  if (recipient.length === 0 || recipient.length > MAX_RECIPIENT) throw new TrackingTokenError(`The recipient must be 1–${MAX_RECIPIENT} bytes.`);
  const parts: Buffer[] = [
    Buffer.from([VERSION, KIND_BYTE[claims.kind], key.kid.length]),
    Buffer.from(key.kid, 'ascii'),
    uuidBytes(claims.accountId, 'account id'),
    uuidBytes(claims.emailId, 'email id'),
  ];
  const sent = Buffer.alloc(4);
  sent.writeUInt32BE(Math.floor(claims.sentAt.getTime() / 1000));
  parts.push(sent, Buffer.from([recipient.length]), recipient);
  if (claims.kind === 'click') {
    if (claims.target === undefined || !isTrackableUrl(claims.target)) throw new TrackingTokenError(`A click token's target must be an http(s) URL; ${String(claims.target)} is not.`);
    // Carried as the URL parser writes it (IDN hosts in punycode, non-ASCII percent-encoded): a valid Location header.
    const target = Buffer.from(new URL(claims.target).href, 'utf8');
    if (target.length > MAX_TARGET) throw new TrackingTokenError(`A link longer than ${MAX_TARGET} bytes is not tracked.`);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(target.length);
    parts.push(len, target);
  } else if (claims.target !== undefined) {
    throw new TrackingTokenError('An open token carries no target.');
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, hmacSha256(key.secret, body).subarray(0, MAC_BYTES)]).toString('base64url');
}

/** The keyring's key named by the `length` ASCII bytes at `at` (compared in place: no string is made). */
function keyNamed(keyring: TrackingKeyring, bytes: Buffer, at: number, length: number): TrackingKey | undefined {
  for (const key of keyring) {
    if (key.kid.length !== length) continue;
    let same = true;
    for (let i = 0; i < length && same; i++) same = key.kid.charCodeAt(i) === bytes[at + i];
    if (same) return key;
  }
  return undefined;
}

/** A decoded token whose MAC is ours (compared in constant time): the body is its first `length` bytes. */
type Authenticated = { ok: true; token: Buffer; length: number; kid: string };

/** A token decoded and its MAC checked, or why not. */
function authenticated(keyring: TrackingKeyring, token: string): Authenticated | { ok: false; reason: TokenRefusal } {
  // Unpadded base64url of whole bytes never has a length of 4n + 1; '+' and '/' are base64's, not ours.
  if (token.length < 8 || token.length > MAX_TOKEN_CHARS || token.length % 4 === 1 || token.includes('+') || token.includes('/')) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(token, 'base64url');
  // The decoder skips what is not base64 (and stops at '='): a token holding any such character decodes short.
  if (raw.length !== Math.floor((token.length * 3) / 4) || raw.length < HEAD_BYTES + MAC_BYTES) return { ok: false, reason: 'malformed' };
  const length = raw.length - MAC_BYTES;
  const kidLength = raw[2]!;
  if (raw[0] !== VERSION || kidLength < 1 || kidLength > MAX_KID || length < HEAD_BYTES + kidLength) return { ok: false, reason: 'malformed' };
  const key = keyNamed(keyring, raw, HEAD_BYTES, kidLength);
  const matches = hmacSha256Matches(key?.secret ?? DUMMY_SECRET, raw, length);
  if (!key) return { ok: false, reason: 'unknown_key' };
  if (!matches) return { ok: false, reason: 'bad_signature' };
  return { ok: true, token: raw, length, kid: key.kid };
}

/** Where a signed body's fields are; null where its lengths do not add up. */
interface Layout {
  kind: TrackingTokenKind;
  /** Account id, email id and sent-at start here. */
  ids: number;
  recipient: number;
  recipientLength: number;
  /** A click's target (-1 for an open). */
  target: number;
  targetLength: number;
}

/**
 * Reads the layout signTrackingToken wrote in the first `length` bytes of `body` (defensively: the body is
 * ours, but lengths are checked again).
 */
function layoutOf(body: Buffer, length: number): Layout | null {
  const kind = body[1] === KIND_BYTE.open ? 'open' : body[1] === KIND_BYTE.click ? 'click' : null;
  const ids = HEAD_BYTES + body[2]!;
  const recipient = ids + IDS_AND_TIME_BYTES + 1;
  if (!kind || length < recipient) return null;
  const recipientLength = body[recipient - 1]!;
  const end = recipient + recipientLength;
  if (kind === 'open') return length === end ? { kind, ids, recipient, recipientLength, target: -1, targetLength: 0 } : null;
  if (length < end + 2) return null;
  const targetLength = body.readUInt16BE(end);
  return length === end + 2 + targetLength ? { kind, ids, recipient, recipientLength, target: end + 2, targetLength } : null;
}

/**
 * A click token's target, or null for anything we did not sign or that is not a link: what the redirect
 * needs, with the same MAC check as verifyTrackingToken (one HMAC, good token or not) and nothing else
 * decoded. The recorder verifies the whole token later, when it writes the click.
 */
export function linkTargetOf(keyring: TrackingKeyring, token: string): string | null {
  const checked = authenticated(keyring, token);
  if (!checked.ok) return null;
  const layout = layoutOf(checked.token, checked.length);
  if (layout?.kind !== 'click') return null;
  // Written by signTrackingToken as the URL parser writes an http(s) URL: only the scheme is checked again.
  const target = checked.token.toString('utf8', layout.target, layout.target + layout.targetLength);
  return target.startsWith('https://') || target.startsWith('http://') ? target : null;
}

/**
 * Checks a token against every key of the keyring (the one its kid names), the MAC compared in constant
 * time. Anything we did not sign, or that was changed, is refused with a reason (for logs and tests only:
 * the HTTP answer is the same for every refusal).
 */
export function verifyTrackingToken(keyring: TrackingKeyring, token: string): VerifiedToken {
  const checked = authenticated(keyring, token);
  if (!checked.ok) return checked;
  const { token: body, kid } = checked;
  const layout = layoutOf(body, checked.length);
  if (!layout) return { ok: false, reason: 'malformed' };
  const { kind, ids } = layout;
  const claims: TrackingClaims = {
    kind,
    accountId: uuidOf(body.subarray(ids, ids + 16)),
    emailId: uuidOf(body.subarray(ids + 16, ids + 32)),
    recipient: body.toString('utf8', layout.recipient, layout.recipient + layout.recipientLength),
    sentAt: new Date(body.readUInt32BE(ids + 32) * 1000),
  };
  if (kind === 'click') {
    const target = trackableHref(body.toString('utf8', layout.target, layout.target + layout.targetLength));
    if (target === null) return { ok: false, reason: 'bad_target' };
    claims.target = target;
  }
  return { ok: true, claims, kid };
}
