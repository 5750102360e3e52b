// The page the browser lands on after the callback when there is no success URL, or when the sign-in was
// refused: a heading, the sentence and our stable code. HTML-escaped, no script, no external resource.

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface SignInPage {
  ok: boolean;
  title: string;
  sentence: string;
  code: string;
  /** The provider's or server's own words, for support. */
  detail?: string | undefined;
}

export function signInPageHtml(page: SignInPage): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escape(page.title)} - reply-sync</title></head>
  <body>
    <main>
      <h1>${escape(page.title)}</h1>
      <p id="sentence">${escape(page.sentence)}</p>
      <p>Code: <code id="code">${escape(page.code)}</code></p>${page.detail ? `\n      <p>The provider said: <span id="detail">${escape(page.detail)}</span></p>` : ''}
    </main>
  </body>
</html>
`;
}
