// fast-check generators for header values as clients, broken clients and attackers write them, and
// the run budget shared by the property tests (`npm test`: a few seconds; `npm run fuzz`: minutes).
import fc from 'fast-check';
import { BLOCK_SHAPES, VALUE_MOTIFS } from './hostile-inputs';

/**
 * FUZZ_SECONDS > 0 (npm run fuzz) lets each property run that long with no run limit; otherwise each
 * runs FUZZ_RUNS times (default 150), which keeps the whole suite within a few seconds.
 */
export const FUZZ_SECONDS = Number(process.env.FUZZ_SECONDS ?? 0);
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 150);

export function runs(scale = 1): fc.Parameters<unknown> {
  if (FUZZ_SECONDS > 0) return { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: FUZZ_SECONDS * 1000, markInterruptAsFailure: false };
  return { numRuns: Math.max(1, Math.round(FUZZ_RUNS * scale)) };
}

/** A vitest timeout that leaves room for a fuzz run of FUZZ_SECONDS. */
export const PROPERTY_TIMEOUT_MS = FUZZ_SECONDS > 0 ? FUZZ_SECONDS * 1000 + 60_000 : 60_000;

/** The characters that give header syntax its meaning, and the ones parsers trip over. */
const SPECIALS = ['(', ')', '<', '>', '"', '\\', ',', ';', ':', '@', '[', ']', '.', '=?', '?=', ' ', '\t', '\r\n ', '\r\n', '\n', '\r', '\x00', '\x1b', '\x7f', '\u0085', '\u00a0', '\u2028', '\ud800', '\udc00', 'é', '😀', 'xn--'];
const special = fc.constantFrom(...SPECIALS);
const letter = fc.constantFrom(...'abcxyzABC019-_+./='.split(''));

/** Text mixing letters, syntax characters and controls: what a fuzzer should throw at a header parser. */
export const headerishText = (maxLength = 80) => fc.string({ unit: fc.oneof({ weight: 3, arbitrary: letter }, { weight: 2, arbitrary: special }), maxLength });

const atom = fc.string({ unit: letter, minLength: 1, maxLength: 12 });
const idnDomain = fc.constantFrom('xn--mller-kva.test', 'müller.test', 'MÜLLER.test', 'xn--bcher-kva.example', 'bücher.example', 'xn--zz.broken');
const domain = fc.oneof(fc.domain(), idnDomain, fc.constant('[192.0.2.1]'), fc.constant('[IPv6:2001:db8::1]'));

/** One address as clients write it: bare, bracketed, with a (quoted, encoded) name, comments, routes. */
export const addressText = fc.oneof(
  fc.emailAddress(),
  fc.tuple(atom, domain).map(([l, d]) => `${l}@${d}`),
  fc.tuple(atom, fc.emailAddress()).map(([n, a]) => `${n} <${a}>`),
  fc.tuple(atom, fc.emailAddress()).map(([n, a]) => `"${n}, ${n}" <${a}>`),
  fc.tuple(atom, fc.emailAddress()).map(([n, a]) => `=?utf-8?Q?${n}_=C3=A9?= <${a}>`),
  fc.tuple(atom, atom, domain).map(([l, c, d]) => `${l}(${c})@${d}`),
  fc.tuple(atom, domain).map(([l, d]) => `<@relay.test:${l}@${d}>`),
  fc.tuple(atom, fc.emailAddress()).map(([n, a]) => `${n} <${a}>: hi`),
  fc.constantFrom('<>', '<nsb>', 'undisclosed-recipients:;', 'Team: a@x.test, b@y.test;', 'a@b c:', '"unclosed <a@x'),
  headerishText(),
);

export const addressListText = fc
  .array(fc.tuple(addressText, fc.constantFrom(', ', ',', ',\r\n ', ' ', ';', ':')), { maxLength: 8 })
  .map((parts) => parts.map(([a, sep]) => a + sep).join(''));

/** One Message-ID as clients (and broken ones) write it. */
const idText = fc.oneof(
  fc.tuple(atom, domain).map(([l, d]) => `<${l}@${d}>`),
  fc.tuple(atom, domain).map(([l, d]) => `${l}@${d}`),
  fc.tuple(atom, domain).map(([l, d]) => `<${l}@${d}> (comment)`),
  fc.tuple(atom, domain).map(([l, d]) => `=?utf-8?q?=3C${l}=40${d.replace(/[^a-z0-9.-]/gi, '')}=3E?=`),
  fc.tuple(atom, domain).map(([l, d]) => `<"${l} ${l}"@${d}>`),
  fc.tuple(atom, domain).map(([l, d]) => `<${l}\r\n @${d}>`),
  fc.constantFrom('<a@b<c@d>', '<a@b', 'Your message of Tue', '<\x00@x>', '<>'),
  headerishText(40),
);

export const idListText = fc.array(fc.tuple(idText, fc.constantFrom(' ', '\r\n ', ',', '\r\n\t', '')), { maxLength: 10 }).map((parts) => parts.map(([id, sep]) => id + sep).join(''));

/** RFC 2047 encoded words, well-formed and not: charsets real and made up, B and Q, split characters. */
export const encodedWordText = fc.oneof(
  fc.tuple(fc.constantFrom('utf-8', 'UTF-8', 'iso-8859-1', 'windows-1252', 'koi8-r', 'x-made-up', 'utf-8*en', ''), fc.constantFrom('q', 'Q', 'b', 'B', 'x'), headerishText(30)).map(
    ([cs, enc, text]) => `=?${cs}?${enc}?${text}?=`,
  ),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => `=?utf-8?B?${Buffer.from(bytes).toString('base64')}?=`),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => `=?utf-8?Q?${[...bytes].map((b) => `=${b.toString(16).padStart(2, '0')}`).join('')}?=`),
  fc.constantFrom('=?utf-8?q?a=00?=', '=?utf-8?q?=C3?= =?utf-8?q?=A9?=', '=?', '=?utf-8?q?', '=?=?=?'),
);

export const subjectText = fc.array(fc.oneof(encodedWordText, headerishText(30), fc.constantFrom('Re: ', 'Automatic reply: ', 'Réponse automatique : ')), { maxLength: 5 }).map((p) => p.join(' '));

/** A field value folded the way clients fold (CRLF + space or tab), sometimes wrongly (bare LF, CR). */
export function folded(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(value, fc.array(fc.nat(), { maxLength: 4 }), fc.constantFrom('\r\n ', '\r\n\t', '\n ', '\r ')).map(([v, cuts, fold]) => {
    if (v.length === 0) return v;
    const points = [...new Set(cuts.map((c) => c % v.length))].sort((a, b) => a - b);
    let out = '';
    let last = 0;
    for (const p of points) {
      out += v.slice(last, p) + fold;
      last = p;
    }
    return out + v.slice(last);
  });
}

const FIELD_VALUES: Record<string, fc.Arbitrary<string>> = {
  'Message-ID': idText,
  'In-Reply-To': idListText,
  References: idListText,
  From: addressText,
  To: addressListText,
  Cc: addressListText,
  Subject: subjectText,
  Date: fc.constantFrom('Tue, 3 Jun 2025 09:14:27 +0200', 'Tue, 3 Jun 2025 09:14:27 +0200 (CEST)', 'yesterday', '(((', ''),
  'Content-Type': fc.constantFrom('multipart/report; report-type=delivery-status', 'multipart/report; report-type="feedback-report"', 'text/plain (((', 'multipart/mixed; boundary="(x)"'),
  'Auto-Submitted': fc.constantFrom('auto-replied', 'no', 'no (comment)', '(((no'),
  'Return-Path': fc.constantFrom('<>', '<a@x>', '< >'),
  'X-Mailer': fc.constantFrom('Amazon WorkMail', 'Microsoft Outlook 16.0'),
};

/** A whole header block: known fields with generated values, folded, in any order, plus junk lines. */
export const headerBlock = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...Object.keys(FIELD_VALUES)).chain((name) => folded(FIELD_VALUES[name]!).map((v) => `${name}: ${v}`)) },
      { weight: 1, arbitrary: headerishText(60) },
    ),
    { maxLength: 14 },
  )
  .chain((lines) => fc.constantFrom('\r\n', '\n', '\r').map((eol) => lines.join(eol) + eol));

/** A short motif to repeat into a large hostile value: the known ones, and random runs of syntax. */
export const hostileMotif = fc.oneof(
  fc.constantFrom(...Object.values(VALUE_MOTIFS)),
  fc.string({ unit: fc.oneof(special, letter), minLength: 1, maxLength: 8 }),
);

export { BLOCK_SHAPES, VALUE_MOTIFS };
