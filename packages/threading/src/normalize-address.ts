// One comparable form for an email address, used for every address decide() and the CRM compare
// (From, To, Cc, contacts, users, never-log entries), so `Ana@XN--MLLER-KVA.test` and
// `ana@müller.test` are the same person whichever way each side was written.

import { domainToUnicode } from 'node:url';
import { toIdentifierText } from './storable-text';

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Lower-cased, NFC, without whitespace, `<`, `>` or control characters, and with an internationalised
 * domain in Unicode (`xn--mller-kva.test` → `müller.test`, as node:url's domainToUnicode maps it).
 * Unicode rather than punycode because that is how people type a contact's address into the CRM.
 * A domain that is not a valid IDN (or a `[1.2.3.4]` literal) is kept as written. Never throws.
 */
export function normalizeAddress(raw: string): string {
  let address = toIdentifierText(raw).toLowerCase();
  if (NON_ASCII.test(address)) address = address.normalize('NFC');
  const at = address.lastIndexOf('@');
  if (at === -1) return address;
  const domain = address.slice(at + 1);
  const unicode = normalizeDomain(domain);
  return unicode === domain ? address : address.slice(0, at + 1) + unicode;
}

/** A domain lower-cased, with IDN labels in Unicode; as written when it is not a valid IDN. */
export function normalizeDomain(raw: string): string {
  const domain = raw.trim().toLowerCase();
  if (!domain.includes('xn--') && !NON_ASCII.test(domain)) return domain;
  if (domain.startsWith('[') || domain.includes('%')) return domain;
  const unicode = domainToUnicode(domain);
  // An invalid IDN comes back empty; one that maps to something with a space or control is refused.
  return unicode && toIdentifierText(unicode) === unicode ? unicode : domain;
}
