// parseQuotedDate reads the Date line of a forwarded message's quoted header as each mail client writes
// it in each language, and reads nothing it would have to guess: an unknown word or zone, an impossible
// day, an ambiguous US-or-British numeric date or an oversized input is null, never an exception.
// The lines below are real client output: this repository's forward.clients test messages and
// email-forward-parser's fixtures (their 2021 dates kept as they are).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateOffsetMinutes, MAX_QUOTED_DATE_LENGTH, parseQuotedDate } from '../src/index';
import { PROPERTY_TIMEOUT_MS, runs } from './arbitraries';

/**
 * The fallback in these rows: CET, as a forward's own Date header "+0100" says. It is one fixed offset,
 * so a zone-less October 2021 line is read at +01:00 too (the forward's Date tells the user's offset when
 * forwarding, not the summer time of a date months before).
 */
const CET = 60;

// [client, language, Date line, instant with the fallback at CET]
const REAL_LINES: [string, string, string, string | null][] = [
  ['Gmail', 'en-GB', 'Mon, 30 Nov 2026 at 10:15', '2026-11-30T09:15:00.000Z'],
  ['Gmail', 'en-US', 'Wed, Oct 27, 2021 at 9:31 AM', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'en-US', 'Jan 14, 2024 at 3:26\u202fPM -0800', '2024-01-14T23:26:00.000Z'],
  ['Gmail', 'nl', 'ma 30 nov 2026 om 10:15', '2026-11-30T09:15:00.000Z'],
  ['Gmail', 'nl', 'wo 27 okt. 2021 om 09:31', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'de', 'Mo., 30. Nov. 2026 um 10:15 Uhr', '2026-11-30T09:15:00.000Z'],
  ['Gmail', 'de', 'Mi., 27. Okt. 2021 um 09:31 Uhr', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'fr', 'lun. 30 nov. 2026 à 10:15', '2026-11-30T09:15:00.000Z'],
  ['Gmail', 'fr', 'mer. 27 oct. 2021 à 09:31', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'es', 'lun, 30 nov 2026 a las 10:15', '2026-11-30T09:15:00.000Z'],
  ['Gmail', 'es', 'mié, 27 oct 2021 a las 9:31', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'es', 'mar, 3 mar 2026 a las 10:15', '2026-03-03T09:15:00.000Z'],
  ['Gmail', 'pt', 'segunda, 30/11/2026 às 10:15', '2026-11-30T09:15:00.000Z'],
  ['Gmail', 'pt', 'quarta, 27/10/2021 à(s) 09:31', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'pt-BR', 'qua., 27 de out. de 2021 às 09:31', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'it', 'lun 30 nov 2026 alle ore 10:15', '2026-11-30T09:15:00.000Z'],
  ['Gmail', 'it', 'mer 27 ott 2021 alle ore 09:31', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'pl', 'pon., 30 lis 2026 o 10:15', '2026-11-30T09:15:00.000Z'],
  ['Gmail', 'pl', 'śr., 27 paź 2021 o 09:31', '2021-10-27T08:31:00.000Z'],
  ['Gmail', 'pl', 'pt., 4 gru 2026 o 10:15', '2026-12-04T09:15:00.000Z'],
  ['Outlook web', 'en-US', 'Monday, November 30, 2026 10:15 AM', '2026-11-30T09:15:00.000Z'],
  ['Outlook web', 'en-US', 'Monday, November 30, 2026 12:05 PM', '2026-11-30T11:05:00.000Z'],
  ['Outlook', 'en-GB', 'Thursday, 28 October 2021 at 12:46', '2021-10-28T11:46:00.000Z'],
  ['Outlook 2013', 'en-GB', '25 October 2021 11:17', '2021-10-25T10:17:00.000Z'],
  ['Outlook', 'en-US', '11/30/2026 10:15 AM', '2026-11-30T09:15:00.000Z'],
  ['Outlook', 'nl', 'maandag 30 november 2026 10:15', '2026-11-30T09:15:00.000Z'],
  ['Outlook', 'nl', 'donderdag, 28 oktober 2021 om 12:06', '2021-10-28T11:06:00.000Z'],
  ['Outlook', 'nl', 'zondag 24 november 2002 23:41', '2002-11-24T22:41:00.000Z'],
  ['Outlook', 'de', 'Montag, 30. November 2026 10:15', '2026-11-30T09:15:00.000Z'],
  ['Outlook', 'de', 'Donnerstag, 28. Oktober 2021 um 12:46', '2021-10-28T11:46:00.000Z'],
  ['Outlook', 'de', 'Dienstag, 3. März 2020 18:42', '2020-03-03T17:42:00.000Z'],
  ['GMX', 'de', 'Dienstag, 30. März 2021 um 20:17 Uhr', '2021-03-30T19:17:00.000Z'],
  ['Outlook', 'fr', 'lundi 30 novembre 2026 10:15', '2026-11-30T09:15:00.000Z'],
  ['Outlook', 'fr', 'jeudi, 28 octobre 2021 à 12:06', '2021-10-28T11:06:00.000Z'],
  ['Outlook', 'es', 'lunes, 30 de noviembre de 2026 10:15', '2026-11-30T09:15:00.000Z'],
  ['Outlook', 'es', 'jueves, 28 de octubre de 2021, 12:46', '2021-10-28T11:46:00.000Z'],
  ['Outlook', 'es-MX', 'viernes, 16 de junio de 2017 12:03 p.\u00a0m.', '2017-06-16T11:03:00.000Z'],
  ['Outlook', 'pt', 'segunda-feira, 30 de novembro de 2026 10:15', '2026-11-30T09:15:00.000Z'],
  ['Outlook', 'pt-BR', 'quinta-feira, 28 de outubro de 2021, 12:46', '2021-10-28T11:46:00.000Z'],
  ['Outlook', 'it', 'lunedì 30 novembre 2026 10:15', '2026-11-30T09:15:00.000Z'],
  ['Outlook', 'it', 'giovedì, 28 ottobre 2021 12:46', '2021-10-28T11:46:00.000Z'],
  ['Outlook', 'pl', 'poniedziałek, 30 listopada 2026 10:15', '2026-11-30T09:15:00.000Z'],
  ['Outlook', 'pl', 'czwartek, 28 października 2021 o 12:46', '2021-10-28T11:46:00.000Z'],
  ['Outlook 2019 reply', 'de', '28/10/2021, 12:46', '2021-10-28T11:46:00.000Z'],
  ['Outlook 2019 reply', 'pt', '28/10/21, 12:46', '2021-10-28T11:46:00.000Z'],
  ['Apple Mail', 'en', '30 November 2026 at 10:15:08 CET', '2026-11-30T09:15:08.000Z'],
  ['Apple Mail', 'en', '25 October 2021 at 11:17:21 EEST', '2021-10-25T08:17:21.000Z'],
  ['Apple Mail', 'en-US', 'November 30, 2026 at 10:15:08\u202fAM EST', '2026-11-30T15:15:08.000Z'],
  ['Apple Mail', 'en-GB', '30 June 2026 at 10:15:08 BST', '2026-06-30T09:15:08.000Z'],
  ['Apple Mail', 'nl', '30 november 2026 om 10:15:08 CET', '2026-11-30T09:15:08.000Z'],
  ['Apple Mail', 'nl', '26 oktober 2021 om 14:25:08 EEST', '2021-10-26T11:25:08.000Z'],
  ['Apple Mail', 'de', '30. November 2026 um 10:15:08 MEZ', '2026-11-30T09:15:08.000Z'],
  ['Apple Mail', 'de', '30. Juni 2026 um 10:15:08 MESZ', '2026-06-30T08:15:08.000Z'],
  ['Apple Mail', 'de', '26. Oktober 2021 um 14:25:08 OESZ', '2021-10-26T11:25:08.000Z'],
  ['Apple Mail', 'fr', '30 novembre 2026 à 10:15:08 UTC+1', '2026-11-30T09:15:08.000Z'],
  ['Apple Mail', 'fr', '26 octobre 2021 à 14:25:08 UTC+3', '2021-10-26T11:25:08.000Z'],
  ['Apple Mail', 'es', '30 de noviembre de 2026, 10:15:08 CET', '2026-11-30T09:15:08.000Z'],
  ['Apple Mail', 'es', '26 de octubre de 2021, 14:25:08 EEST', '2021-10-26T11:25:08.000Z'],
  ['Apple Mail', 'pt', '30 de novembro de 2026 às 10:15:08 CET', '2026-11-30T09:15:08.000Z'],
  ['Apple Mail', 'pt', '26 de outubro de 2021, 14:25:08 EEST', '2021-10-26T11:25:08.000Z'],
  ['Apple Mail', 'pt', '30 de junho de 2026, 10:15:08 WEST', '2026-06-30T09:15:08.000Z'],
  ['Apple Mail', 'it', '30 novembre 2026 10:15:08 CET', '2026-11-30T09:15:08.000Z'],
  ['Apple Mail', 'it', '26 ottobre 2021 14:25:08 EEST', '2021-10-26T11:25:08.000Z'],
  ['Apple Mail', 'pl', '30 listopada 2026 o 10:15:08 CET', '2026-11-30T09:15:08.000Z'],
  ['Apple Mail', 'pl', '26 października 2021 o 14:25:08 EEST', '2021-10-26T11:25:08.000Z'],
  ['Apple Mail', 'cs', '26. října 2021 14:25:08 GMT+3', null], // a Czech month: not one of ours, so null
  ['Thunderbird', 'all', 'Mon, 30 Nov 2026 10:15:08 +0100', '2026-11-30T09:15:08.000Z'],
  ['Thunderbird', 'all', 'Wed, 3 Nov 2021 15:51:30 +0100', '2021-11-03T14:51:30.000Z'],
  ['Thunderbird', 'all', 'Mon, 30 Nov 2026 10:15:08 -0500 (EST)', '2026-11-30T15:15:08.000Z'],
  ['Thunderbird', 'all', 'Mon, 30 Nov 2026 10:15:08 +01:00', '2026-11-30T09:15:08.000Z'],
  ['JavaScript', 'fr', 'Tue Jan 27 2026 13:00:00 GMT+0100 (heure normale d’Europe centrale)', '2026-01-27T12:00:00.000Z'],
];

describe('parseQuotedDate: the Date lines of real forward headers', () => {
  it.each(REAL_LINES)('%s (%s): %s', (_client, _language, text, expected) => {
    expect(parseQuotedDate(text, CET)?.at.toISOString() ?? null).toBe(expected);
  });

  it.each([
    ['Thursday, 28 October 2021 at 12:46 UTC-05:00', 'UTC-05:00', '2021-10-28T17:46:00.000Z'],
    ['30 Nov 2026 10:15 UTC+5:30', 'UTC+5:30', '2026-11-30T04:45:00.000Z'],
    ['30 Nov 2026 10:15 GMT+2', 'GMT+2', '2026-11-30T08:15:00.000Z'],
    ['30 Nov 2026 10:15 GMT', 'GMT', '2026-11-30T10:15:00.000Z'],
    ['30 Nov 2026 10:15 UTC', 'UTC', '2026-11-30T10:15:00.000Z'],
    ['30 Nov 2026 10:15 WET', 'WET', '2026-11-30T10:15:00.000Z'],
    ['30 Nov 2026 10:15 EET', 'EET', '2026-11-30T08:15:00.000Z'],
    ['30 Jun 2026 10:15 CEST', 'CEST', '2026-06-30T08:15:00.000Z'],
    ['30 Nov 2026 10:15 PST', 'PST', '2026-11-30T18:15:00.000Z'],
    ['30 Jun 2026 10:15 PDT', 'PDT', '2026-06-30T17:15:00.000Z'],
    ['30 Nov 2026 10:15 MST', 'MST', '2026-11-30T17:15:00.000Z'],
    ['30 Jun 2026 10:15 MDT', 'MDT', '2026-06-30T16:15:00.000Z'],
    ['30 Nov 2026 10:15 CST', 'CST', '2026-11-30T16:15:00.000Z'],
    ['30 Jun 2026 10:15 CDT', 'CDT', '2026-06-30T15:15:00.000Z'],
    ['30 Jun 2026 10:15 EDT', 'EDT', '2026-06-30T14:15:00.000Z'],
    ['Mon, 30 Nov 2026 10:15:08 +0100 (CET)', 'an offset with its comment', '2026-11-30T09:15:08.000Z'],
    ['Mon, 30 Nov 2026 10:15:08 (CET)', 'a zone only in a comment', '2026-11-30T09:15:08.000Z'],
  ])('%s: the zone it names (%s) wins over the fallback', (text, _zone, expected) => {
    expect(parseQuotedDate(text, -300)?.at.toISOString()).toBe(expected);
  });
});

describe('parseQuotedDate: the fallback zone', () => {
  // The rule process-forward.ts relies on: the forwarding user's client wrote a zone-less quoted date in
  // the user's local time, the zone of the forward's own Date header; it passes that offset.
  it('reads a line that names no zone at the fallback offset', () => {
    expect(parseQuotedDate('Mon, 30 Nov 2026 at 10:15', 60)?.at.toISOString()).toBe('2026-11-30T09:15:00.000Z');
    expect(parseQuotedDate('Mon, 30 Nov 2026 at 10:15', -300)?.at.toISOString()).toBe('2026-11-30T15:15:00.000Z');
    expect(parseQuotedDate('Mon, 30 Nov 2026 at 10:15', 330)?.at.toISOString()).toBe('2026-11-30T04:45:00.000Z');
    expect(parseQuotedDate('Mon, 30 Nov 2026 at 10:15', 0)?.at.toISOString()).toBe('2026-11-30T10:15:00.000Z');
  });

  it('reads it at UTC when there is no fallback either', () => {
    expect(parseQuotedDate('pon., 30 lis 2026 o 10:15', null)?.at.toISOString()).toBe('2026-11-30T10:15:00.000Z');
    expect(parseQuotedDate('pon., 30 lis 2026 o 10:15', Number.NaN)?.at.toISOString()).toBe('2026-11-30T10:15:00.000Z');
  });

  it('crosses midnight and the year with the offset', () => {
    expect(parseQuotedDate('Fri, 1 Jan 2027 at 00:30', 60)?.at.toISOString()).toBe('2026-12-31T23:30:00.000Z');
    expect(parseQuotedDate('31 December 2026 at 23:30', -300)?.at.toISOString()).toBe('2027-01-01T04:30:00.000Z');
  });

  it('dateOffsetMinutes gives the offset a forward Date header names, null when none or unreadable', () => {
    expect(dateOffsetMinutes('Tue, 01 Dec 2026 08:00:00 +0100')).toBe(60);
    expect(dateOffsetMinutes('Tue, 01 Dec 2026 08:00:00 -0530')).toBe(-330);
    expect(dateOffsetMinutes('Tue, 01 Dec 2026 08:00:00 +0000')).toBe(0);
    expect(dateOffsetMinutes('Tue, 1 Dec 2026 08:00:00 EST')).toBe(-300);
    expect(dateOffsetMinutes('Tue, 01 Dec 2026 08:00:00')).toBeNull();
    expect(dateOffsetMinutes('Tue, 01 Dec 2026 08:00:00 +9900')).toBeNull();
    expect(dateOffsetMinutes('yesterday')).toBeNull();
    expect(dateOffsetMinutes(undefined)).toBeNull();
    expect(dateOffsetMinutes(null)).toBeNull();
  });
});

describe('parseQuotedDate: 12-hour clocks', () => {
  it.each([
    ['12:05 AM', '2026-11-30T00:05:00.000Z'],
    ['12:05 PM', '2026-11-30T12:05:00.000Z'],
    ['1:05 AM', '2026-11-30T01:05:00.000Z'],
    ['11:59 PM', '2026-11-30T23:59:00.000Z'],
    ['12:05 a.m.', '2026-11-30T00:05:00.000Z'],
    ['12:05 p.m.', '2026-11-30T12:05:00.000Z'],
    ['3:05 p. m.', '2026-11-30T15:05:00.000Z'],
    ['3:05 pm', '2026-11-30T15:05:00.000Z'],
    ['3:05\u202fPM', '2026-11-30T15:05:00.000Z'],
  ])('Monday, November 30, 2026 %s', (clock, expected) => {
    expect(parseQuotedDate(`Monday, November 30, 2026 ${clock}`, 0)?.at.toISOString()).toBe(expected);
  });

  it.each(['0:05 AM', '13:05 PM', '12:05 AM PM', 'PM 12:05'])('Monday, November 30, 2026 %s is null', (clock) => {
    expect(parseQuotedDate(`Monday, November 30, 2026 ${clock}`, 0)).toBeNull();
  });
});

describe('parseQuotedDate: numeric dates', () => {
  it.each([
    ['30/11/2026 10:15', '2026-11-30T10:15:00.000Z', 'day first'],
    ['30.11.2026 10:15', '2026-11-30T10:15:00.000Z', 'dots'],
    ['30-11-2026 10:15', '2026-11-30T10:15:00.000Z', 'dashes'],
    ['2026-11-30 10:15:08', '2026-11-30T10:15:08.000Z', 'ISO order'],
    ['11/30/2026 10:15', '2026-11-30T10:15:00.000Z', 'US order, unambiguous: 30 cannot be a month'],
    ['10/11/2026 10:15', '2026-11-10T10:15:00.000Z', 'ambiguous without English: day first'],
    ['segunda, 10/11/2026 às 10:15', '2026-11-10T10:15:00.000Z', 'ambiguous, Portuguese: day first'],
    ['mar, 10/11/2026 10:15', '2026-11-10T10:15:00.000Z', '"mar" beside a numeric date is a Tuesday'],
    ['28/10/21, 12:46', '2021-10-28T12:46:00.000Z', 'a two-digit year is this century'],
  ])('%s → %s (%s)', (text, expected) => {
    expect(parseQuotedDate(text, 0)?.at.toISOString()).toBe(expected);
  });

  it.each([
    ['10/11/2026 10:15 AM', 'as likely US as British'],
    ['Mon, 10/11/2026 at 10:15', 'English words: as likely US as British'],
    ['30/13/2026 10:15', 'no month 13 either way'],
    ['13/30/2026 10:15', 'neither is a month'],
    ['30/11/226 10:15', 'a three-digit year'],
    ['30/11/2026 Nov 10:15', 'a month name beside a numeric date'],
  ])('%s is null (%s)', (text) => {
    expect(parseQuotedDate(text, 0)).toBeNull();
  });
});

describe('parseQuotedDate: what it does not read', () => {
  it.each([
    ['31 February 2026 10:00', 'no 31 February'],
    ['29 February 2027 10:00', 'no 29 February in 2027'],
    ['30 November 2026 24:00', 'no hour 24'],
    ['30 November 2026 10:60', 'no minute 60'],
    ['30 November 2026 10:15:61', 'no second 61'],
    ['0 November 2026 10:15', 'no day 0'],
    ['30 November 1899 10:15', 'before mail'],
    ['30 Nov 26 10:15', 'a two-digit year beside a month name: which number is the day?'],
    ['30 Nov 10:15', 'no year: never guessed'],
    ['30 November 2026', 'no time: not an instant'],
    ['Mon, 30 Nov 2026 at 10:15 IST', 'IST: India, Ireland or Israel'],
    ['30 de novembro de 2026, 10:15:08 BRT', 'a zone we do not know: not read at the fallback'],
    ['30 Nov 2026 10:15 (via phone)', 'a comment that may name the zone'],
    ['30 Nov 2026 10:15 +0100 CET EST', 'two zones that disagree'],
    ['30 Nov 2026 10:15 +1500', 'no offset of 15 hours'],
    ['26. října 2021 14:25:08 GMT+3', 'a Czech month'],
    ['Date: Mon, 30 Nov 2026 10:15', 'a field name'],
    ['30 Nov Dec 2026 10:15', 'two months'],
    ['30 Nov 2026 10:15 10:16', 'two times'],
    ['', 'nothing'],
    ['yesterday at noon', 'words'],
    ['🙂 30 Nov 2026 10:15', 'a symbol'],
    ['\u0000 30 Nov 2026 10:15', 'a control character'],
  ])('%s is null (%s)', (text) => {
    expect(parseQuotedDate(text, CET)).toBeNull();
  });

  it(`is null beyond ${MAX_QUOTED_DATE_LENGTH} characters, and fast on 100 KB`, () => {
    const padded = `${' '.repeat(MAX_QUOTED_DATE_LENGTH)}Mon, 30 Nov 2026 10:15:08 +0100`;
    expect(parseQuotedDate(padded, CET)).toBeNull();
    const hostile = ['(', '1:1', '+01', 'a.m.', '30/', 'mar ', 'x'].map((m) => m.repeat(Math.ceil(100_000 / m.length)));
    const started = performance.now();
    for (const h of hostile) expect(parseQuotedDate(h, CET)).toBeNull();
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('is fast at the length cap on the hostile motifs', () => {
    const motifs = ['(', '((a)', '1:1', '+0', 'utc+', 'a. ', '30/11/', 'mar ', '- ', '. '];
    const started = performance.now();
    for (const m of motifs) parseQuotedDate(m.repeat(MAX_QUOTED_DATE_LENGTH).slice(0, MAX_QUOTED_DATE_LENGTH), CET);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

// The same instant written the way each client writes it reads back as that instant, whatever the
// date, the clock and the zone.
const MONTHS: Record<string, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  pt: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  pl: ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'września', 'października', 'listopada', 'grudnia'],
};
const SHORT_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number) => String(n).padStart(2, '0');

function rfcOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`;
}

interface Local { y: number; mo: number; d: number; h: number; mi: number; s: number; wd: number }
const FORMATS: Record<string, (l: Local, offset: number) => { text: string; zoned: boolean }> = {
  thunderbird: (l, o) => ({ text: `${WEEKDAYS_EN[l.wd]}, ${l.d} ${SHORT_EN[l.mo - 1]} ${l.y} ${p2(l.h)}:${p2(l.mi)}:${p2(l.s)} ${rfcOffset(o)}`, zoned: true }),
  'gmail-en-US': (l) => ({ text: `${WEEKDAYS_EN[l.wd]}, ${SHORT_EN[l.mo - 1]} ${l.d}, ${l.y} at ${l.h % 12 || 12}:${p2(l.mi)}\u202f${l.h < 12 ? 'AM' : 'PM'}`, zoned: false }),
  'apple-nl': (l, o) => ({ text: `${l.d} ${MONTHS.nl![l.mo - 1]} ${l.y} om ${p2(l.h)}:${p2(l.mi)}:${p2(l.s)} GMT${rfcOffset(o)}`, zoned: true }),
  'apple-de': (l) => ({ text: `${l.d}. ${MONTHS.de![l.mo - 1]} ${l.y} um ${p2(l.h)}:${p2(l.mi)}:${p2(l.s)}`, zoned: false }),
  'apple-fr': (l, o) => ({ text: `${l.d} ${MONTHS.fr![l.mo - 1]} ${l.y} à ${p2(l.h)}:${p2(l.mi)}:${p2(l.s)} UTC${rfcOffset(o)}`, zoned: true }),
  'outlook-es': (l) => ({ text: `${l.d} de ${MONTHS.es![l.mo - 1]} de ${l.y} ${p2(l.h)}:${p2(l.mi)}`, zoned: false }),
  'outlook-pt': (l) => ({ text: `${l.d} de ${MONTHS.pt![l.mo - 1]} de ${l.y} ${p2(l.h)}:${p2(l.mi)}`, zoned: false }),
  'outlook-it': (l) => ({ text: `${l.d} ${MONTHS.it![l.mo - 1]} ${l.y} ${p2(l.h)}:${p2(l.mi)}`, zoned: false }),
  'apple-pl': (l, o) => ({ text: `${l.d} ${MONTHS.pl![l.mo - 1]} ${l.y} o ${p2(l.h)}:${p2(l.mi)}:${p2(l.s)} ${rfcOffset(o)}`, zoned: true }),
  'gmail-pt': (l) => ({ text: `${p2(l.d)}/${p2(l.mo)}/${l.y} às ${p2(l.h)}:${p2(l.mi)}`, zoned: false }),
};

describe('parseQuotedDate: written by each client, read back', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  it('gives back the instant, at the line’s zone or the fallback’s', () => {
    const instant = fc.integer({ min: Date.UTC(1971, 0, 1) / 60_000, max: Date.UTC(2199, 0, 1) / 60_000 }).map((m) => m * 60_000);
    const offset = fc.integer({ min: -48, max: 56 }).map((q) => q * 15);
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 59 }), offset, fc.constantFrom(...Object.keys(FORMATS)), (at, second, o, format) => {
        const local = new Date(at + o * 60_000);
        const l = { y: local.getUTCFullYear(), mo: local.getUTCMonth() + 1, d: local.getUTCDate(), h: local.getUTCHours(), mi: local.getUTCMinutes(), s: second, wd: local.getUTCDay() };
        const { text, zoned } = FORMATS[format]!(l, o);
        const withSeconds = /\d:\d\d:\d\d/.test(text);
        const expected = at + (withSeconds ? second * 1000 : 0);
        // A zoned line ignores the fallback; a zone-less one is read at it.
        const read = parseQuotedDate(text, zoned ? o + 120 : o);
        expect(read?.at.getTime(), text).toBe(expected);
        expect(read?.zoneNamed, text).toBe(zoned);
      }),
      runs(),
    );
  });
});
