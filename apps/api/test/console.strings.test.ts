// The console's own words exist in every language (en, nl, pl) with the same placeholders, the renderer
// escapes what it is given, and the language comes from the user's setting, else Accept-Language.
import { describe, expect, it } from 'vitest';
import { html, raw } from '../src/console/html';
import { LANGUAGES, pickLanguage } from '../src/console/sentences';
import { STRINGS } from '../src/console/strings';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console strings', () => {
  it('has every key in every language, non-empty, with the same placeholders as English', () => {
    const keys = Object.keys(STRINGS.en);
    expect(keys.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const lang of LANGUAGES) {
      const table = STRINGS[lang] as Record<string, string | undefined>;
      for (const key of keys) {
        const text = table[key];
        if (!text?.trim()) problems.push(`${lang}.${key} is missing`);
        else if (placeholders(text).join() !== placeholders(STRINGS.en[key as keyof typeof STRINGS.en]).join()) problems.push(`${lang}.${key} has placeholders ${placeholders(text).join()}`);
      }
      for (const key of Object.keys(table)) if (!keys.includes(key)) problems.push(`${lang}.${key} is not an English key`);
    }
    expect(problems).toEqual([]);
  });

  it('picks the user setting, else the best Accept-Language we have, else English', () => {
    expect(pickLanguage('pl', 'nl')).toBe('pl');
    expect(pickLanguage(null, 'de-DE, nl-BE;q=0.8, en;q=0.5')).toBe('nl');
    expect(pickLanguage(null, 'en;q=0.2, pl;q=0.9')).toBe('pl');
    expect(pickLanguage(null, 'fr, de')).toBe('en');
    expect(pickLanguage(null, undefined)).toBe('en');
  });
});

describe('html renderer', () => {
  it('escapes interpolated text and attributes, and keeps nested templates and raw() markup', () => {
    const hostile = `"><script>alert(1)</script>'`;
    const out = html`<a title="${hostile}">${hostile}</a>${html`<b>${'x&y'}</b>`}${raw('<hr>')}${[1, null, false, 'z']}`.value;
    expect(out).toBe('<a title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;</a><b>x&amp;y</b><hr>1z');
  });
});
