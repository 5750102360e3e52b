// The allowlist a mail's HTML is rebuilt from before the console shows it (in a sandboxed iframe as well).
import { describe, expect, it } from 'vitest';
import { sanitizeEmailHtml } from '../src/console/sanitize-email-html';

describe('sanitizeEmailHtml', () => {
  it('drops scripts, handlers, forms, frames and javascript: links, keeps formatting, and blocks remote images', () => {
    const input = `<p style="x" onclick="steal()">Hi <b>Bob</b></p><script>evil()</script><iframe src="https://e.example"></iframe>
<img src="https://t.example/p.gif" onerror="x()"><img src="data:image/png;base64,AAAA"><a href="javascript:evil()">j</a><a href="https://ok.example/">ok</a>
<form><input name="q"></form><svg><script>evil()</script></svg><style>body{}</style>&lt;not a tag&gt;`;
    const { html, remoteImages } = sanitizeEmailHtml(input, { allowRemoteImages: false });
    expect(remoteImages).toBe(1);
    expect(html).not.toMatch(/script|onclick|onerror|iframe|form|input|svg|javascript:|style/i);
    expect(html).toContain('<p>Hi <b>Bob</b></p>');
    expect(html).toContain('<img data-blocked-src="https://t.example/p.gif">');
    expect(html).toContain('<img src="data:image/png;base64,AAAA">');
    expect(html).toContain('<a>j</a>');
    expect(html).toContain('<a href="https://ok.example/" target="_blank" rel="noopener noreferrer">ok</a>');
    expect(html).toContain('&lt;not a tag&gt;');
    expect(sanitizeEmailHtml(input, { allowRemoteImages: true }).html).toContain('<img src="https://t.example/p.gif">');
  });
});
