// The fake consent screen as HTML: a labelled form a test (or Chromium) fills in. The account field is
// pre-filled from login_hint, one checkbox per requested scope (all ticked), and Allow / Deny buttons.
// The authorize request's parameters travel in hidden fields, so the POST needs no server-side session.
import type { ServerResponse } from 'node:http';

/** Parameters of the authorize request that the form carries through to its POST. */
export const CARRIED_PARAMS = ['client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'response_type', 'scope'] as const;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function consentPageHtml(input: { providerTitle: string; action: string; params: URLSearchParams; scopes: string[] }): string {
  const { providerTitle, action, params, scopes } = input;
  const hidden = CARRIED_PARAMS.filter((name) => params.get(name) !== null)
    .map((name) => `<input type="hidden" name="${name}" value="${escape(params.get(name) ?? '')}">`)
    .join('\n      ');
  const boxes = scopes
    .map((scope, i) => `<li><input type="checkbox" id="scope-${i}" name="granted_scope" value="${escape(scope)}" checked> <label for="scope-${i}">${escape(scope)}</label></li>`)
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Sign in - fake ${escape(providerTitle)}</title></head>
  <body>
    <h1>Sign in to fake ${escape(providerTitle)}</h1>
    <form method="post" action="${escape(action)}" id="consent">
      ${hidden}
      <p><label for="username">Account</label> <input type="text" id="username" name="username" value="${escape(params.get('login_hint') ?? '')}" required></p>
      <fieldset>
        <legend>reply-sync (${escape(params.get('client_id') ?? '')}) asks for</legend>
        <ul>
        ${boxes}
        </ul>
      </fieldset>
      <p><button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny">Deny</button></p>
    </form>
  </body>
</html>
`;
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; form-action *; style-src 'unsafe-inline'",
  });
  res.end(html);
}
