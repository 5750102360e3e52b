import { describe, expect, it } from 'vitest';
import { instrumentHtml, MAX_LINKS_REWRITTEN } from '../src/index';

const PIXEL = 'https://t.example.test/t/o/TOKEN.gif';
const link = (target: string) => `https://t.example.test/t/c/${Buffer.from(target).toString('base64url')}`;
const both = { pixelUrl: PIXEL, linkUrl: link };

describe('instrumentHtml', () => {
  it('puts the pixel before </body> and rewrites http(s) links, leaving every other byte as it was', () => {
    const html = '<html><body><p>Hi <A class=x HREF="https://example.com/a?x=1&amp;y=2">pricing</A>, <a href=\'mailto:ana@example.test\'>mail</a> <a href="tel:+31">call</a> <a href="#top">top</a> <a href=http://example.org/b>b</a></p></BODY></html>';
    const out = instrumentHtml(html, both);
    expect(out.pixelInserted).toBe(true);
    expect(out.linksRewritten).toBe(2);
    // The target is the decoded attribute value.
    expect(out.html).toContain(`<A class=x href="${link('https://example.com/a?x=1&y=2')}">pricing</A>`);
    expect(out.html).toContain(`<a href="${link('http://example.org/b')}">b</a>`);
    expect(out.html).toContain("href='mailto:ana@example.test'");
    expect(out.html).toContain('href="tel:+31"');
    expect(out.html).toContain('href="#top"');
    expect(out.html).toMatch(/<img src="https:\/\/t\.example\.test\/t\/o\/TOKEN\.gif" width="1" height="1" alt="" style="display:none[^"]*" \/><\/BODY><\/html>$/);
    // Take the edits out again: the rest is byte-identical.
    const undone = out.html
      .replace(/<img src="https:\/\/t\.example\.test[^>]*>/, '')
      .replace(`href="${link('https://example.com/a?x=1&y=2')}"`, 'HREF="https://example.com/a?x=1&amp;y=2"')
      .replace(`href="${link('http://example.org/b')}"`, 'href=http://example.org/b');
    expect(undone).toBe(html);
  });

  it('without </body> the pixel goes at the end; with nothing to do the HTML is returned as it was', () => {
    expect(instrumentHtml('<p>hello', both).html).toMatch(/^<p>hello<img src=/);
    const html = '<p><a href="https://example.com/">x</a></p>';
    expect(instrumentHtml(html, { pixelUrl: null, linkUrl: null })).toEqual({ html, pixelInserted: false, linksRewritten: 0 });
    expect(instrumentHtml(html, { pixelUrl: PIXEL, linkUrl: null }).html).toContain('href="https://example.com/"');
  });

  it('leaves links in comments, scripts and attributes other than an <a> href alone, and a second href too', () => {
    const html = '<!-- <a href="https://c.example/">x</a> --><script>var s = \'<a href="https://s.example/">\';</script><img src="https://i.example/x.png"><a href="https://first.example/" href="https://second.example/">x</a><div href="https://d.example/">d</div>';
    const out = instrumentHtml(html, { pixelUrl: null, linkUrl: link });
    expect(out.linksRewritten).toBe(1);
    for (const kept of ['https://c.example/', 'https://s.example/', 'https://i.example/x.png', 'href="https://second.example/"', 'https://d.example/']) expect(out.html).toContain(kept);
    expect(out.html).not.toContain('"https://first.example/"');
  });

  it('does not rewrite javascript:, data: or relative links, nor one the signer refuses', () => {
    const html = '<a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a><a href="/relative">r</a><a href="https://too.long/">t</a>';
    const out = instrumentHtml(html, { pixelUrl: null, linkUrl: (t) => (t.includes('too.long') ? null : link(t)) });
    expect(out).toEqual({ html, pixelInserted: false, linksRewritten: 0 });
  });

  it('bounds the work on hostile HTML: at most MAX_LINKS_REWRITTEN links, a huge body is fine, junk does not throw', () => {
    const many = '<a href="https://example.com/x">x</a>'.repeat(MAX_LINKS_REWRITTEN + 50);
    const out = instrumentHtml(many, both);
    expect(out.linksRewritten).toBe(MAX_LINKS_REWRITTEN);
    expect(out.html.split('https://example.com/x').length - 1).toBe(50);
    const huge = `<body>${'<p>lorem ipsum</p>'.repeat(200_000)}</body>`;
    const started = Date.now();
    expect(instrumentHtml(huge, both).pixelInserted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    for (const junk of ['<a href="https://x.example/', '<<<<a href=>', '</body></body><a', '\u0000<a href="https://é.example/">']) expect(() => instrumentHtml(junk, both)).not.toThrow();
  });
});
