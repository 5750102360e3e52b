// The language a page is shown in: the user's setting, else Accept-Language by q-value, else English;
// whatever a client sends, quickly and without throwing.
import { describe, expect, it } from 'vitest';
import { MAX_ACCEPT_LANGUAGE_CHARS, pickLanguage } from '../src/index';

describe('pickLanguage', () => {
  it("uses the user's own setting over the browser's header", () => {
    expect(pickLanguage('pl', 'nl-NL,nl;q=0.9')).toBe('pl');
    expect(pickLanguage('NL', 'pl')).toBe('nl');
    expect(pickLanguage('nl-BE', undefined)).toBe('nl');
    expect(pickLanguage(' en ', 'pl')).toBe('en');
  });

  it('falls back to the header when the setting names no language we have, or is not a language tag', () => {
    expect(pickLanguage('de', 'nl')).toBe('nl');
    expect(pickLanguage('', 'pl-PL')).toBe('pl');
    expect(pickLanguage('nl;q=1', 'pl')).toBe('pl');
    expect(pickLanguage('n'.repeat(100_000), 'pl')).toBe('pl');
    expect(pickLanguage(null, null)).toBe('en');
    expect(pickLanguage()).toBe('en');
  });

  it('maps regional variants to their language and anything else to English', () => {
    expect(pickLanguage(undefined, 'nl-BE')).toBe('nl');
    expect(pickLanguage(undefined, 'pl-PL')).toBe('pl');
    expect(pickLanguage(undefined, 'NL-nl')).toBe('nl');
    expect(pickLanguage(undefined, 'de-DE')).toBe('en');
    expect(pickLanguage(undefined, 'fr-CA,fr;q=0.9')).toBe('en');
    expect(pickLanguage(undefined, 'nld')).toBe('en');
  });

  it('picks the highest q-value; the first named wins a tie', () => {
    expect(pickLanguage(undefined, 'fr, nl;q=0.5')).toBe('nl');
    expect(pickLanguage(undefined, 'nl;q=0.3, pl;q=0.8')).toBe('pl');
    expect(pickLanguage(undefined, 'pl, nl')).toBe('pl');
    expect(pickLanguage(undefined, 'en-US,en;q=0.9,nl;q=0.8')).toBe('en');
    expect(pickLanguage(undefined, 'de-DE,de;q=0.9,pl;q=0.8,nl;q=0.7')).toBe('pl');
    expect(pickLanguage(undefined, 'nl;q=0.5, nl-BE;q=0.9, pl;q=0.8')).toBe('nl');
    expect(pickLanguage(undefined, ' nl-be ; q=0.7 , pl ;Q=0.6')).toBe('nl');
    expect(pickLanguage(undefined, 'nl;q=1.000, pl;q=0.999')).toBe('nl');
  });

  it('never picks a language the header refuses (q=0), and reads * as any other language', () => {
    expect(pickLanguage(undefined, 'nl;q=0, pl;q=0.1')).toBe('pl');
    expect(pickLanguage(undefined, 'nl;q=0')).toBe('en');
    expect(pickLanguage(undefined, '*')).toBe('en');
    expect(pickLanguage(undefined, 'en;q=0, *;q=0.5')).toBe('nl');
    expect(pickLanguage(undefined, 'de, *;q=0.1, pl;q=0.5')).toBe('pl');
  });

  it('skips elements that are not language ranges or have an invalid q, and keeps the rest', () => {
    expect(pickLanguage(undefined, 'nl;q=2, pl;q=0.5')).toBe('pl');
    expect(pickLanguage(undefined, 'nl;q=abc, pl;q=0.1')).toBe('pl');
    expect(pickLanguage(undefined, 'nl;q=0.1234, pl;q=0.1')).toBe('pl');
    expect(pickLanguage(undefined, 'n!l, <script>, pl')).toBe('pl');
    expect(pickLanguage(undefined, ',,, ;;; ,pl')).toBe('pl');
    expect(pickLanguage(undefined, 'nl;level=1;q=0.4, pl;q=0.3')).toBe('nl');
  });

  it('reads a header given as several values (as Node hands repeated headers)', () => {
    expect(pickLanguage(undefined, ['de', 'nl;q=0.4'])).toBe('nl');
  });

  it('reads only the start of a huge header, dropping the range the limit cuts', () => {
    const padding = 'de;q=0.1,'.repeat(Math.ceil(MAX_ACCEPT_LANGUAGE_CHARS / 9));
    expect(pickLanguage(undefined, `pl;q=0.2,${padding}nl`)).toBe('pl');
    const cut = `${'x'.repeat(MAX_ACCEPT_LANGUAGE_CHARS - 3)},nl-BE`;
    expect(pickLanguage(undefined, cut)).toBe('en');
  });

  it('answers hostile headers quickly and never throws', () => {
    const hostile = [
      'a'.repeat(1_000_000),
      ','.repeat(1_000_000),
      ';'.repeat(1_000_000),
      '-'.repeat(1_000_000),
      `nl-${'a'.repeat(1_000_000)}`,
      `nl${'-aaaaaaaa'.repeat(100_000)}!`,
      'nl;q='.repeat(200_000),
      `nl;q=0.${'0'.repeat(1_000_000)}1`,
      'nl;'.repeat(300_000),
      '\u0000\uffff\ud800'.repeat(100_000),
      `${'*;q=0.5,'.repeat(100_000)}pl`,
    ];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = 'nlpe-;,=q.0123456789* \t*';
    for (let i = 0; i < 200; i++) {
      hostile.push(Array.from({ length: Math.floor(random() * 2000) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    }
    for (const header of hostile) {
      // The best of three runs, so a garbage collection or the first read of a 1 MB string is not
      // counted: a few microseconds in practice; the bound leaves room for a busy shared machine.
      let fastest = Infinity;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        expect(['en', 'nl', 'pl']).toContain(pickLanguage(undefined, header));
        expect(['en', 'nl', 'pl']).toContain(pickLanguage(header, header));
        fastest = Math.min(fastest, performance.now() - started);
      }
      expect(fastest, header.slice(0, 40)).toBeLessThan(5);
    }
    for (const junk of [42, {}, [1, 2], Symbol('x')] as unknown[]) {
      expect(pickLanguage(junk as string, junk as string)).toBe('en');
    }
  });
});
