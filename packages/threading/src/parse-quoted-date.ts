// The Date line of a forwarded message's quoted header, as mail clients localise it ("30 november 2026
// om 10:15:08 CET", "pon., 30 lis 2026 o 10:15", "Monday, November 30, 2026 10:15 AM"), read as an instant.
//
// It reads, and only reads, what it can read without guessing: every word must be a month, a weekday,
// a connector ("at", "um", "om", "à", "a las", "às", "alle ore", "o", "de", ...) or a zone it knows; one
// unknown word gives null, because an unknown word may be a zone (IST, BRT) and reading past it would
// shift the instant by hours. The Gmail, Outlook (web and desktop), Apple Mail and Thunderbird formats
// of English, Dutch, German, French, Spanish, Portuguese, Italian and Polish are the ones it knows.
//
// Linear and bounded on hostile input: longer than MAX_QUOTED_DATE_LENGTH is null before any regex
// runs, and the tokens are read with one sticky regex whose alternatives have no nested quantifiers.

/** A Date line longer than this is not one (real ones, JavaScript's toString with its zone name too, are under 80). */
export const MAX_QUOTED_DATE_LENGTH = 200;

/** The clock fields a date line gives, and its zone when it names one. */
interface DateFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC; null when the line names no zone. */
  offsetMinutes: number | null;
}

type Word =
  | { kind: 'month'; month: number }
  | { kind: 'weekday'; english: boolean }
  // "mar": March in English, Spanish, Italian and Portuguese, Tuesday in French, Spanish and Italian.
  | { kind: 'month_or_weekday'; month: number }
  | { kind: 'connector'; english: boolean }
  | { kind: 'zone'; minutes: number };

// Keys are folded as `fold` folds the input: lower case, no accents, "ł" as "l".
const MONTHS: readonly string[] = [
  'january jan januari januar janner janvier janv enero ene janeiro gennaio gen styczen stycznia sty',
  'february feb februari februar feber fevrier fevr fev febrero fevereiro febbraio luty lutego lut',
  'march maart mrt marz mrz mars marzo marco marzec marca',
  'april apr avril avr abril abr aprile kwiecien kwietnia kwi',
  'may mei mai mayo maio maggio mag maj maja',
  'june jun juni juin junio junho giugno giu czerwiec czerwca cze',
  'july jul juli juillet juil julio julho luglio lug lipiec lipca lip',
  'august aug augustus aout agosto ago sierpien sierpnia sie',
  'september sep sept septembre septiembre setiembre set setembro settembre wrzesien wrzesnia wrz',
  'october oct oktober okt octobre octubre outubro out ottobre ott pazdziernik pazdziernika paz',
  'november nov novembre noviembre novembro listopad listopada lis',
  'december dec dezember dez decembre diciembre dic dezembro dicembre grudzien grudnia gru',
];

const ENGLISH_WEEKDAYS = 'monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday sat sunday sun';
const OTHER_WEEKDAYS = [
  'maandag ma dinsdag di woensdag wo donderdag do vrijdag vr zaterdag za zondag zo', // nl
  'montag mo dienstag mittwoch mi donnerstag freitag fr samstag sonnabend sa sonntag so', // de
  'lundi lun mardi mercredi mer jeudi jeu vendredi ven samedi sam dimanche dim', // fr
  'lunes martes miercoles mie jueves jue viernes vie sabado sab domingo dom', // es
  'segunda seg terca ter quarta qua quinta qui sexta sex', // pt ("segunda-feira": "feira" is a connector)
  'lunedi martedi mercoledi giovedi gio venerdi sabato domenica', // it
  'poniedzialek pon wtorek wt sroda sr czwartek czw piatek pt sobota sob niedziela niedz ndz nd', // pl
].join(' ');

const ENGLISH_CONNECTORS = 'at on';
// German "am" ("Am 30.11.2026 um 10:15") is read as a meridiem token and let pass before the time.
const OTHER_CONNECTORS = 'om op um uhr a as las alle ore il giorno o godz dnia de del el le em feira';

/**
 * Zone abbreviations whose meaning is one offset in the mail of these languages (the RFC 5322 US zones
 * among them). Left out as ambiguous: IST (India, Ireland, Israel), AST (Atlantic, Arabia), and any
 * abbreviation not here (BRT, AEST, ...): an unknown one gives null rather than the fallback's offset.
 * BST is British Summer Time and CST US Central, as mail in these languages means them.
 */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  wet: 0, west: 60, wez: 0, wesz: 60, bst: 60,
  cet: 60, cest: 120, mez: 60, mesz: 120,
  eet: 120, eest: 180, oez: 120, oesz: 180,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

const WORDS: ReadonlyMap<string, Word> = (() => {
  const words = new Map<string, Word>();
  const add = (list: string, word: Word) => {
    for (const key of list.split(' ')) words.set(key, word);
  };
  MONTHS.forEach((list, i) => add(list, { kind: 'month', month: i + 1 }));
  add(ENGLISH_WEEKDAYS, { kind: 'weekday', english: true });
  add(OTHER_WEEKDAYS, { kind: 'weekday', english: false });
  words.set('mar', { kind: 'month_or_weekday', month: 3 });
  add(ENGLISH_CONNECTORS, { kind: 'connector', english: true });
  add(OTHER_CONNECTORS, { kind: 'connector', english: false });
  for (const [zone, minutes] of Object.entries(ZONES)) words.set(zone, { kind: 'zone', minutes });
  return words;
})();

type Token =
  | { kind: 'number'; text: string }
  | { kind: 'numeric_date'; parts: [string, string, string] }
  | { kind: 'time'; hour: number; minute: number; second: number }
  | { kind: 'offset'; minutes: number | null }
  | { kind: 'meridiem'; pm: boolean; bare: boolean }
  | { kind: 'word'; text: string };

/**
 * One token at lastIndex. Alternatives, in order: +0100 / +01:00; UTC+1 / GMT-05:00; blanks and
 * punctuation (skipped; a "-" alone, so "10:15 -0500" is an offset); d/m/y with "/", "." or "-";
 * h:mm[:ss[.fff]]; AM, a.m., "a. m."; a word; a number. Every quantifier is bounded or a single
 * character-class run, so a failed match costs a few steps.
 */
const TOKEN =
  /([+-])(\d{2}):?(\d{2})(?!\d)|(?:utc|gmt) ?([+-])(\d{1,2})(?::?(\d{2}))?(?!\d)|[ .,/]+|-|(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?!\d)|(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?!\d)|([ap])(?:\. ?)?m\.?(?!\p{L})|(\p{L}+)|(\d+)/uy;

/** Lower case, no accents, one kind of blank and of minus: what the tables are written in. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/a\(s\)/g, 'as'); // Gmail's Portuguese "à(s) 10:15"
}

function offsetMinutes(sign: string, hours: string, minutes: string | undefined): number | null {
  const h = Number(hours);
  const m = Number(minutes ?? 0);
  if (h > 14 || m > 59) return null;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const m = TOKEN.exec(text);
    if (!m) return null;
    if (m[1]) tokens.push({ kind: 'offset', minutes: offsetMinutes(m[1], m[2]!, m[3]) });
    else if (m[4]) tokens.push({ kind: 'offset', minutes: offsetMinutes(m[4], m[5]!, m[6]) });
    else if (m[7]) tokens.push({ kind: 'numeric_date', parts: [m[7], m[8]!, m[9]!] });
    else if (m[10]) tokens.push({ kind: 'time', hour: Number(m[10]), minute: Number(m[11]), second: Number(m[12] ?? 0) });
    else if (m[13]) tokens.push({ kind: 'meridiem', pm: m[13] === 'p', bare: m[0] === 'am' || m[0] === 'pm' });
    else if (m[14]) tokens.push({ kind: 'word', text: m[14] });
    else if (m[15]) tokens.push({ kind: 'number', text: m[15] });
  }
  return tokens;
}

/** The zone a parenthesised comment names ("(CET)", "(+01:00)"), null when it names none we know. */
function zoneOfComment(comment: string): number | null {
  const tokens = tokenize(comment);
  if (tokens?.length !== 1) return null;
  const [t] = tokens;
  if (t!.kind === 'offset') return t!.minutes;
  const word = t!.kind === 'word' ? WORDS.get(t!.text) : undefined;
  return word?.kind === 'zone' ? word.minutes : null;
}

/**
 * Day, month and year of "30/11/2026", "30.11.26", "2026-11-30". Day first, as every language here but
 * US English writes it; month first only when the first number cannot be a month's day ("11/30/2026"
 * is US Outlook). Two numbers up to 12 with an English word or a meridiem beside them are as likely
 * US as British: null.
 */
function numericDate([a, b, c]: [string, string, string], englishLike: boolean): [number, number, number] | null {
  if (a.length === 4) return c.length <= 2 ? [Number(a), Number(b), Number(c)] : null;
  if (a.length > 2 || (c.length !== 2 && c.length !== 4)) return null;
  // A two-digit year is this century's: mail clients write "28/10/21" for 2021, never for 1921.
  const year = c.length === 2 ? 2000 + Number(c) : Number(c);
  const first = Number(a);
  const second = Number(b);
  if (first > 12 && second <= 12) return [year, second, first];
  if (second > 12 && first <= 12) return [year, first, second];
  if (first > 12 || englishLike) return null;
  return [year, second, first];
}

/** The fields of a date line, or null when any part of it is unreadable or contradicts another. */
function readFields(text: string): DateFields | null {
  // 1. Bounded and folded; comments set aside (RFC 5322's "+0100 (CET)", JavaScript's "(Central European Time)").
  if (typeof text !== 'string' || text.length > MAX_QUOTED_DATE_LENGTH) return null;
  const comments: string[] = [];
  const folded = fold(text).replace(/\(([^()]*)\)/g, (_, inner: string) => {
    comments.push(inner);
    return ' ';
  });
  const tokens = tokenize(folded);
  if (!tokens) return null;

  // 2. Each token in its place: at most one time, one numeric date, one meridiem after the time, one zone.
  let time: Extract<Token, { kind: 'time' }> | null = null;
  let numeric: [string, string, string] | null = null;
  let pm: boolean | null = null;
  let zone: number | null = null;
  let english = false;
  const numbers: string[] = [];
  const months: number[] = [];
  const maybeMonths: number[] = [];
  const setZone = (minutes: number | null) => {
    if (minutes === null || (zone !== null && zone !== minutes)) return false;
    zone = minutes;
    return true;
  };
  for (const t of tokens) {
    if (t.kind === 'number') numbers.push(t.text);
    else if (t.kind === 'numeric_date') {
      if (numeric) return null;
      numeric = t.parts;
    } else if (t.kind === 'time') {
      if (time) return null;
      time = t;
    } else if (t.kind === 'meridiem') {
      if (!time) {
        if (t.bare && !t.pm) continue; // German "am"
        return null;
      }
      if (pm !== null) return null;
      pm = t.pm;
    } else if (t.kind === 'offset') {
      if (!setZone(t.minutes)) return null;
    } else {
      const word = WORDS.get(t.text);
      if (!word) return null;
      if (word.kind === 'month') months.push(word.month);
      else if (word.kind === 'month_or_weekday') maybeMonths.push(word.month);
      else if (word.kind === 'zone') {
        if (!setZone(word.minutes)) return null;
      } else english ||= word.english;
    }
  }
  if (!time) return null;

  // 3. The day: from the numeric date, or from the month's name with a day and a four-digit year.
  let ymd: [number, number, number] | null;
  if (numeric) {
    if (months.length > 0 || numbers.length > 0) return null; // "mar" beside a numeric date is Tuesday
    ymd = numericDate(numeric, english || pm !== null);
  } else {
    // A weekday comes before the month, so of two "mar" the last is March.
    const month = months.length === 1 ? months[0]! : months.length === 0 ? maybeMonths.at(-1) : undefined;
    const day = numbers.find((n) => n.length <= 2);
    const year = numbers.find((n) => n.length === 4);
    if (month === undefined || numbers.length !== 2 || !day || !year) return null;
    ymd = [Number(year), month, Number(day)];
  }
  if (!ymd) return null;

  // 4. The clock: 12 AM is midnight, 12 PM noon; a meridiem beside hour 0 or 13+ is a contradiction.
  let hour = time.hour;
  if (pm !== null) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (pm ? 12 : 0);
  }

  // 5. The zone: the line's own, else a comment's when that is all it names; a comment we cannot read
  //    beside no zone may be the zone, so null rather than a guess.
  if (zone === null && comments.length > 0) {
    if (comments.length !== 1) return null;
    zone = zoneOfComment(comments[0]!);
    if (zone === null) return null;
  }
  const [year, month, day] = ymd;
  return { year, month, day, hour, minute: time.minute, second: time.second, offsetMinutes: zone };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isValid(f: DateFields): boolean {
  return (
    f.year >= 1970 &&
    f.year <= 2199 &&
    f.month >= 1 &&
    f.month <= 12 &&
    f.day >= 1 &&
    f.day <= daysInMonth(f.year, f.month) &&
    f.hour <= 23 &&
    f.minute <= 59 &&
    f.second <= 59
  );
}

/** A quoted Date line read: the instant, and whether the line named its zone (else a fallback was assumed). */
export interface QuotedDate {
  at: Date;
  zoneNamed: boolean;
}

/**
 * The instant a quoted Date line names, or null when it cannot be read without guessing (never throws).
 * A line that names no zone is read at `fallbackOffsetMinutes` (minutes east of UTC), or at UTC when
 * that is null (or not a number); `zoneNamed` says which.
 */
export function parseQuotedDate(text: string, fallbackOffsetMinutes: number | null): QuotedDate | null {
  const f = readFields(text);
  if (!f || !isValid(f)) return null;
  const fallback = Number.isFinite(fallbackOffsetMinutes) ? fallbackOffsetMinutes : null;
  const offset = f.offsetMinutes ?? fallback ?? 0;
  return { at: new Date(Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - offset * 60_000), zoneNamed: f.offsetMinutes !== null };
}

/**
 * The UTC offset, in minutes east, that a readable date names ("Tue, 01 Dec 2026 08:00:00 +0100" is 60);
 * null when it names none or cannot be read. For a forward's own Date header: the forwarding user's zone.
 */
export function dateOffsetMinutes(text: string | null | undefined): number | null {
  if (!text) return null;
  const f = readFields(text);
  return f && isValid(f) ? f.offsetMinutes : null;
}
