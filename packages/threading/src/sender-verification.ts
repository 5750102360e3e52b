// Whether a message's From is verified, judged from the Authentication-Results its recipient's own
// mail server wrote: the DMARC / DKIM / SPF verdict stored on every logged reply, and what the
// `require` policy (decide() rule 9) skips on. Pure; the BCC/forward logging reuses verifySender().
//
// The trust rule. Only ONE header counts: the topmost Authentication-Results, and only when its
// authserv-id is one the inbox trusts. Why:
// - Anyone can write an Authentication-Results header into the message they send, with any
//   authserv-id (`mx.google.com; dmarc=pass`). RFC 8601 §5 asks the receiving server to remove such
//   headers claiming its own id, but not every server does, so we do not rely on it where order can
//   tell instead.
// - A-R is a trace field: each server prepends its own (RFC 8601 §2), and the inbox's own server is
//   the last to handle the message before it is stored. So everything the sender wrote sits below
//   what that server added, and the topmost header is the server's own.
// - Hence a header that claims the trusted id below the server's own never counts, however it reads
//   (we never look below the top), and neither does one below some other server's header (the top is
//   then not trusted, so nothing counts: we cannot tell who wrote what underneath). A server that
//   splits its results over several headers (OpenDKIM and OpenDMARC each adding one) is read by its
//   topmost one only; that fails towards "unverified", never towards a forged pass.
// - What order cannot tell: when the trusted server added no header at all and kept one the sender
//   wrote with its id on top, that header is byte for byte what the server would have written. This
//   is where RFC 8601 §5 is needed: configure an authserv-id only for a server that stamps every
//   message it accepts from outside (then its header is always the top) and removes incoming headers
//   claiming its id. Gmail (mx.google.com) and Exchange Online stamp the mail they receive from outside;
//   mail that did not come in that way (IMAP APPEND, a same-tenant message) may carry no stamp.
//   (test/sender-verification.test.ts pins this limit down as `LIMIT: ...`.)
// - Microsoft writes no authserv-id at all (`spf=pass (sender IP is …) …; compauth=pass`). It is
//   trusted only through the explicit NO_AUTHSERV_ID entry (the office365 default), and then, as for
//   any id, only as the topmost header.
// - The counted header must read one way only (`irregular` in parse-authentication-results.ts): a
//   server that echoes a sender's MAIL FROM or HELO into a comment without escaping would otherwise
//   let `; dmarc=pass header.from=contact.example` pass for its own result.
// - Not read: ARC-Authentication-Results (anyone can add an ARC set; it means something only with
//   its ARC-Seal verified), Authentication-Results-Original (Microsoft's rename of an earlier one),
//   X-MS-Exchange-Authentication-Results.
//
// "Verified": DMARC pass for the From's domain (header.from equal to it, when present); or, when the
// header has no usable DMARC result (none, absent, temperror, permerror, Microsoft's bestguesspass),
// a DKIM pass whose signing domain is aligned with the From's (relaxed: the same domain, or one a
// subdomain of the other; without the Public Suffix List, a bare one-label domain such as `com` never
// aligns). A DMARC fail is never overridden. SPF alone never verifies: it checks the envelope
// sender, not the From a person sees; it is recorded for support.
import { normalizeDomain } from './normalize-address';
import { parseAuthenticationResults, type AuthResult } from './parse-authentication-results';
import type { InboxContext, MessageFacts } from './types';

/** The account's policy for a reply whose sender is not verified (accounts.sender_verification). */
export const SENDER_VERIFICATION_POLICIES = ['flag', 'require'] as const;
export type SenderVerificationPolicy = (typeof SENDER_VERIFICATION_POLICIES)[number];

/** What each policy does, as `account set` and the support view say it. */
export const SENDER_VERIFICATION_SENTENCES: Readonly<Record<SenderVerificationPolicy, string>> = {
  flag: 'replies whose sender is not verified are logged and shown as unverified',
  require: 'replies whose sender is not verified are not logged (reason sender_unverified)',
};

/**
 * The trusted-id entry for a header that has no authserv-id (Microsoft's). `@` cannot appear in an
 * authserv-id token, and the entry is compared only with headers that have none, so no header can
 * claim it by name.
 */
export const NO_AUTHSERV_ID = '@none';

/**
 * What each provider's own server writes, used while an inbox has no list of its own. A generic IMAP
 * server trusts nothing until its operator names the authserv-id its MTA writes.
 */
export const DEFAULT_TRUSTED_AUTHSERV_IDS: Readonly<Record<'gmail' | 'office365' | 'imap', readonly string[]>> = {
  gmail: ['mx.google.com'],
  office365: [NO_AUTHSERV_ID],
  imap: [],
};

export function defaultTrustedAuthservIds(provider: string): string[] {
  return [...(DEFAULT_TRUSTED_AUTHSERV_IDS[provider as keyof typeof DEFAULT_TRUSTED_AUTHSERV_IDS] ?? [])];
}

/** An authserv-id as configured: lower-cased, or null when it cannot be one (spaces, `;`, empty). */
export function normalizeAuthservId(value: string): string | null {
  const id = value.trim().toLowerCase();
  if (id === NO_AUTHSERV_ID) return id;
  if (id.length === 0 || id.length > 255) return null;
  const parsed = parseAuthenticationResults(`${id}; none`);
  return parsed.readable && parsed.authservId === id && parsed.irregular === null ? id : null;
}

export interface SenderVerification {
  verified: boolean;
  /** DMARC result of the counted header ('pass', 'fail', 'none', ...); null when none was counted. */
  dmarc: string | null;
  /** DKIM result: of the aligned signature when there is one, else of the first. */
  dkim: string | null;
  /** Whether `dkim` is for a signing domain aligned with the From's. */
  dkimAligned: boolean;
  spf: string | null;
  /** The header that counted: its authserv-id, or NO_AUTHSERV_ID; null when none counted. */
  authservId: string | null;
  /** One line for support: which header counted and what it said, or why none did. */
  detail: string;
}

export interface VerifySenderInput {
  /** The message's Authentication-Results values in header order (topmost first). */
  authenticationResults: readonly string[];
  /** The From address. */
  from: string | null | undefined;
  trustedAuthservIds: readonly string[];
}

function unverified(detail: string, authservId: string | null = null): SenderVerification {
  return { verified: false, dmarc: null, dkim: null, dkimAligned: false, spf: null, authservId, detail };
}

export function verifySender(input: VerifySenderInput): SenderVerification {
  const trusted = new Set(input.trustedAuthservIds.map((id) => id.trim().toLowerCase()));
  if (trusted.size === 0) return unverified('no trusted authserv-id is configured for this inbox');
  const fromDomain = domainOf(input.from ?? '');
  if (!fromDomain) return unverified(input.from ? `the From address ${input.from} has no domain` : 'no From address');
  const top = input.authenticationResults[0];
  if (top === undefined) return unverified('no Authentication-Results header');

  const parsed = parseAuthenticationResults(top);
  const below = input.authenticationResults.length - 1;
  const belowNote = below > 0 ? ` (${below} more below, not counted)` : '';
  if (!parsed.readable) return unverified(`the topmost Authentication-Results cannot be read: ${parsed.problem}`);
  const id = parsed.authservId ?? NO_AUTHSERV_ID;
  const isTrusted = parsed.authservId === null ? trusted.has(NO_AUTHSERV_ID) : parsed.authservId !== NO_AUTHSERV_ID && trusted.has(parsed.authservId);
  const who = parsed.authservId ?? 'the header without authserv-id';
  if (!isTrusted) {
    return unverified(`the topmost Authentication-Results is from ${who}, not a trusted server (${[...trusted].join(', ')})${belowNote}`);
  }
  if (parsed.irregular !== null) return unverified(`the Authentication-Results from ${who} does not read one way only: ${parsed.irregular}`, id);

  const dmarcResults = parsed.results.filter((r) => r.method === 'dmarc');
  const dmarc = firstDistinct(dmarcResults);
  if (dmarc === 'conflicting') return unverified(`the Authentication-Results from ${who} gives conflicting DMARC results`, id);
  const rawDmarcFrom = dmarc?.properties['header.from'];
  const dmarcFrom = rawDmarcFrom === undefined ? undefined : normalizeDomain(rawDmarcFrom.replace(/\.$/, ''));
  const dmarcForSender = dmarc !== null && (dmarcFrom === undefined || dmarcFrom === fromDomain);
  const dkims = parsed.results.filter((r) => r.method === 'dkim');
  const alignedDkim = dkims.find((r) => r.result === 'pass' && aligned(signingDomain(r), fromDomain)) ?? dkims.find((r) => aligned(signingDomain(r), fromDomain));
  const dkim = alignedDkim ?? dkims[0] ?? null;
  const spf = parsed.results.find((r) => r.method === 'spf') ?? null;

  let verified: boolean;
  let why: string;
  if (dmarc !== null && (dmarc.result === 'pass' || dmarc.result === 'fail')) {
    verified = dmarc.result === 'pass' && dmarcForSender;
    why = dmarcForSender ? `dmarc=${dmarc.result} header.from=${fromDomain}` : `dmarc=${dmarc.result} for ${dmarcFrom}, not the sender's domain ${fromDomain}`;
  } else {
    verified = alignedDkim?.result === 'pass';
    const dkimPart = dkim ? `dkim=${dkim.result} ${describeSigner(dkim)} (${alignedDkim ? 'aligned' : `not aligned with ${fromDomain}`})` : 'no DKIM result';
    why = `${dmarc ? `dmarc=${dmarc.result}` : 'no DMARC result'}; ${dkimPart}`;
  }
  const detail = `${who}: ${why}${spf ? `; spf=${spf.result}` : ''}${belowNote}`;
  return {
    verified,
    dmarc: dmarc?.result ?? null,
    dkim: dkim?.result ?? null,
    dkimAligned: alignedDkim !== undefined,
    spf: spf?.result ?? null,
    authservId: id,
    detail,
  };
}

/** verifySender for a message as the worker read it, in the inbox it arrived in. */
export function senderVerificationOf(facts: MessageFacts, inbox: InboxContext): SenderVerification {
  return verifySender({
    authenticationResults: facts.authenticationResults ?? [],
    from: facts.from?.address ?? null,
    trustedAuthservIds: inbox.trustedAuthservIds ?? [],
  });
}

/** The one result of a method, or 'conflicting' when the header gives two different ones. */
function firstDistinct(results: AuthResult[]): AuthResult | null | 'conflicting' {
  const first = results[0];
  if (!first) return null;
  return results.every((r) => r.result === first.result) ? first : 'conflicting';
}

function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  // One form for IDN domains (Unicode, as parseAddressList gives From), whichever form a header used.
  const domain = normalizeDomain((at === -1 ? '' : address.slice(at + 1)).replace(/\.$/, ''));
  return domain.length > 0 ? domain : null;
}

/** header.d, else the domain of header.i (`@example.com`, `ana@example.com`). */
function signingDomain(r: AuthResult): string | null {
  const d = r.properties['header.d'];
  if (d) return normalizeDomain(d.trim().replace(/\.$/, ''));
  const i = r.properties['header.i'];
  return i ? domainOf(i) : null;
}

function describeSigner(r: AuthResult): string {
  const d = r.properties['header.d'];
  if (d) return `header.d=${d}`;
  const i = r.properties['header.i'];
  return i ? `header.i=${i}` : '(no signing domain)';
}

/** Relaxed alignment without the Public Suffix List: equal, or one a subdomain of the other (never a one-label domain). */
function aligned(signer: string | null, fromDomain: string): boolean {
  if (!signer) return false;
  if (signer === fromDomain) return true;
  const [shorter, longer] = signer.length < fromDomain.length ? [signer, fromDomain] : [fromDomain, signer];
  return shorter.includes('.') && longer.endsWith(`.${shorter}`);
}
