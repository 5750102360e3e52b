// Tracking tokens: what a pixel or a rewritten link carries (account, email, recipient, send time and, for
// a link, its target), signed with HMAC-SHA256 under a key id, in compact binary as base64url. A click is
// redirected from the token alone (no database look-up), and only a token we signed can name a target, so
// the redirect cannot be used as an open redirect.
import { timingSafeEqual } from 'node:crypto';
import { hmacSha256 } from './hmac-sha256';
import type { TrackingKeyring } from './tracking-keys';

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
const MAX_RECIPIENT = 254;
const MAX_TARGET = 4096;
/** Longest token we even look at, in base64url characters. */
export const MAX_TOKEN_CHARS = Math.ceil(((3 + 16 + 32 + 4 + 1 + MAX_RECIPIENT + 2 + MAX_TARGET + MAC_BYTES) * 4) / 3);
/** Longest open token (no target): what a pixel hit may carry to the recorder. */
export const MAX_OPEN_TOKEN_CHARS = Math.ceil(((3 + 16 + 32 + 4 + 1 + MAX_RECIPIENT + MAC_BYTES) * 4) / 3);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
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

function mac(secret: Buffer, body: Buffer): Buffer {
  return hmacSha256(secret, body).subarray(0, MAC_BYTES);
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
  return Buffer.concat([body, mac(key.secret, body)]).toString('base64url');
}

/** A token's body once its MAC is ours (compared in constant time), or why not. */
function authenticated(keyring: TrackingKeyring, token: string): { ok: true; body: Buffer; kid: string } | { ok: false; reason: TokenRefusal } {
  if (token.length < 8 || token.length > MAX_TOKEN_CHARS || !BASE64URL.test(token)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 3 + MAC_BYTES) return { ok: false, reason: 'malformed' };
  const body = raw.subarray(0, raw.length - MAC_BYTES);
  const given = raw.subarray(raw.length - MAC_BYTES);
  const kidLength = body[2]!;
  if (body[0] !== VERSION || kidLength < 1 || kidLength > 16 || body.length < 3 + kidLength) return { ok: false, reason: 'malformed' };
  const kid = body.toString('latin1', 3, 3 + kidLength);
  const key = keyring.find((k) => k.kid === kid);
  const expected = mac(key?.secret ?? DUMMY_SECRET, body);
  const matches = timingSafeEqual(expected, given);
  if (!key) return { ok: false, reason: 'unknown_key' };
  if (!matches) return { ok: false, reason: 'bad_signature' };
  return { ok: true, body, kid };
}

/**
 * A click token's target, or null for anything we did not sign or that is not a link: what the redirect
 * needs, with the same MAC check as verifyTrackingToken (one HMAC, good token or not) and nothing else
 * decoded. The recorder verifies the whole token later, when it writes the click.
 */
export function linkTargetOf(keyring: TrackingKeyring, token: string): string | null {
  const checked = authenticated(keyring, token);
  if (!checked.ok) return null;
  const { body } = checked;
  if (body[1] !== KIND_BYTE.click) return null;
  let at = 3 + body[2]! + 16 + 16 + 4;
  if (body.length < at + 1) return null;
  at += 1 + body[at]!;
  if (body.length < at + 2) return null;
  const targetLength = body.readUInt16BE(at);
  at += 2;
  if (body.length !== at + targetLength) return null;
  // Written by signTrackingToken as the URL parser writes an http(s) URL: only the scheme is checked again.
  const target = body.toString('utf8', at, at + targetLength);
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
  const { body, kid } = checked;
  const kidLength = body[2]!;
  // Signed by us: the layout below was written by signTrackingToken, but is still read defensively.
  let at = 3 + kidLength;
  const kind = body[1] === 1 ? 'open' : body[1] === 2 ? 'click' : null;
  if (!kind || body.length < at + 16 + 16 + 4 + 1) return { ok: false, reason: 'malformed' };
  const accountId = uuidOf(body.subarray(at, at + 16));
  const emailId = uuidOf(body.subarray(at + 16, at + 32));
  const sentAt = new Date(body.readUInt32BE(at + 32) * 1000);
  at += 36;
  const recipientLength = body[at]!;
  at += 1;
  if (body.length < at + recipientLength) return { ok: false, reason: 'malformed' };
  const recipient = body.subarray(at, at + recipientLength).toString('utf8');
  at += recipientLength;
  const claims: TrackingClaims = { kind, accountId, emailId, recipient, sentAt };
  if (kind === 'click') {
    if (body.length < at + 2) return { ok: false, reason: 'malformed' };
    const targetLength = body.readUInt16BE(at);
    at += 2;
    if (body.length !== at + targetLength) return { ok: false, reason: 'malformed' };
    const target = trackableHref(body.toString('utf8', at, at + targetLength));
    if (target === null) return { ok: false, reason: 'bad_target' };
    claims.target = target;
  } else if (body.length !== at) {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, claims, kid };
}
