// Which language to answer in: the user's own setting, else the browser's Accept-Language (RFC 9110
// §12.5.4, q-values), else English. Pure and bounded: a header is read up to MAX_ACCEPT_LANGUAGE_CHARS
// and MAX_LANGUAGE_RANGES ranges, with regular expressions that cannot backtrack, so a hostile or huge
// header costs microseconds and never throws.
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './languages';

/** Browsers send well under 200 characters; Node refuses headers past 16 KB in all anyway. */
export const MAX_ACCEPT_LANGUAGE_CHARS = 4096;
export const MAX_LANGUAGE_RANGES = 64;

// RFC 4647 §2.1 language-range: 1*8ALPHA *("-" 1*8alphanum) / "*". The hyphen delimits each repeat,
// so the pattern matches in one pass.
const LANGUAGE_RANGE = /^(?:[a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*)$/i;
// RFC 9110 §12.4.2 qvalue: 0[.ddd] or 1[.000].
const QVALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The language to show: `setting` when it names one of LANGUAGES (`nl`, `NL`, `nl-BE` all mean nl),
 * else the best of Accept-Language (highest q, the first named on a tie; `nl-BE` → nl, `pl-PL` → pl,
 * `*` → the first language not named), else English.
 */
export function pickLanguage(setting?: string | null, acceptLanguage?: string | readonly string[] | null): Language {
  const own = typeof setting === 'string' && setting.length <= 35 && LANGUAGE_RANGE.test(setting.trim()) ? languageOfRange(setting.trim()) : null;
  if (own) return own;
  const header = typeof acceptLanguage === 'string' ? acceptLanguage : Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : '';
  return fromAcceptLanguage(header) ?? DEFAULT_LANGUAGE;
}

interface Range {
  language: Language | '*' | null;
  q: number;
}

function fromAcceptLanguage(header: string): Language | null {
  if (header.length === 0) return null;
  let text = header;
  if (text.length > MAX_ACCEPT_LANGUAGE_CHARS) {
    // The range cut in two by the limit is dropped rather than read as a different one.
    text = text.slice(0, MAX_ACCEPT_LANGUAGE_CHARS);
    text = text.slice(0, Math.max(0, text.lastIndexOf(',')));
  }
  const ranges: Range[] = [];
  for (const element of text.split(',', MAX_LANGUAGE_RANGES)) {
    const range = parseElement(element);
    if (range) ranges.push(range);
  }

  // A language's weight is the highest q of the ranges naming it; `*` weighs every language not named.
  const named = new Map<Language, { q: number; at: number }>();
  let wildcard: { q: number; at: number } | null = null;
  for (const [at, r] of ranges.entries()) {
    if (r.language === null) continue;
    if (r.language === '*') {
      if (!wildcard || r.q > wildcard.q) wildcard = { q: r.q, at };
      continue;
    }
    const seen = named.get(r.language);
    if (!seen) named.set(r.language, { q: r.q, at });
    else if (r.q > seen.q) seen.q = r.q;
  }

  let best: { language: Language; q: number; at: number } | null = null;
  for (const [language, { q, at }] of named) {
    if (q > 0 && (!best || q > best.q || (q === best.q && at < best.at))) best = { language, q, at };
  }
  if (wildcard && wildcard.q > 0 && (!best || wildcard.q > best.q || (wildcard.q === best.q && wildcard.at < best.at))) {
    const unnamed = LANGUAGES.find((l) => !named.has(l));
    if (unnamed) return unnamed;
  }
  return best?.language ?? null;
}

/** One `range;q=0.8` element; null when it is not one (ignored, as RFC 9110 lets a recipient do). */
function parseElement(element: string): Range | null {
  const parts = element.split(';', 8);
  const rangeText = (parts[0] ?? '').trim();
  if (!LANGUAGE_RANGE.test(rangeText)) return null;
  let q = 1;
  for (let i = 1; i < parts.length; i++) {
    const param = (parts[i] ?? '').trim();
    if (param.length < 2 || (param[0] !== 'q' && param[0] !== 'Q') || param[1] !== '=') continue;
    const value = param.slice(2);
    if (!QVALUE.test(value)) return null;
    q = Number(value);
  }
  return { language: rangeText === '*' ? '*' : languageOfRange(rangeText), q };
}

/** `nl`, `nl-BE`, `NL-be` → nl; a range of a language we do not have → null. */
function languageOfRange(range: string): Language | null {
  const dash = range.indexOf('-');
  const primary = (dash === -1 ? range : range.slice(0, dash)).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : null;
}
