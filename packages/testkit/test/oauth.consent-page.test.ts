// The fake OAuth server's browser flow, on a private instance: a request with PKCE gets a consent form
// (account, scope checkboxes, Allow/Deny) whose answer redirects with a code or access_denied; the token
// endpoints of both providers then insist on the redirect_uri and on the verifier of the S256
// challenge. A request with login_hint and no PKCE (the CLI's paste flow) is still signed in at once.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack } from '../src/stack-config';
import { startOAuthServer, type RunningOAuthServer } from '../src/oauth-server/server';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let server: RunningOAuthServer;
let base: string;
beforeAll(async () => {
  const tls = { cert: readFileSync(stack.caCertPath), key: readFileSync(join(stack.stackDir, 'tls', 'key.pem')) };
  server = await startOAuthServer({ httpPort: 0, httpsPort: 0, tls });
  // The token and authorize routes answer on both listeners; plain HTTP needs no CA in fetch.
  base = `http://127.0.0.1:${server.httpPort}`;
});
afterAll(async () => {
  await server?.close();
});

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';
const PROVIDERS = {
  google: { authorize: '/o/oauth2/v2/auth', token: '/token', scope: 'https://mail.google.com/' },
  microsoft: { authorize: '/common/oauth2/v2.0/authorize', token: '/common/oauth2/v2.0/token', scope: 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access' },
} as const;

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(p: (typeof PROVIDERS)[keyof typeof PROVIDERS], extra: Record<string, string>): string {
  const u = new URL(p.authorize, base);
  for (const [k, v] of Object.entries({ client_id: 'reply-sync-test', redirect_uri: REDIRECT, response_type: 'code', scope: p.scope, state: 'st-1', ...extra })) u.searchParams.set(k, v);
  return u.toString();
}

/** The form's fields as a browser would send them, with the pressed button. */
function formOf(html: string, decision: 'allow' | 'deny', untick: string[] = []): URLSearchParams {
  const body = new URLSearchParams();
  for (const tag of html.match(/<input\b[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(tag)![1]!;
    const value = (/value="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
    if (tag.includes('type="checkbox"') && untick.includes(value)) continue;
    body.append(name, value);
  }
  body.set('username', 'ana@mail.test');
  body.set('decision', decision);
  return body;
}

async function consent(path: string, form: URLSearchParams): Promise<URL> {
  const res = await fetch(new URL(path, base), { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const exchange = (p: (typeof PROVIDERS)[keyof typeof PROVIDERS], fields: Record<string, string>) =>
  fetch(new URL(p.token, base), { method: 'POST', body: new URLSearchParams({ client_id: 'reply-sync-test', client_secret: 'x', grant_type: 'authorization_code', scope: p.scope, ...fields }) });

describe.each(['google', 'microsoft'] as const)('the fake %s consent page', (name) => {
  const p = PROVIDERS[name];

  it('shows a labelled form for a PKCE request and redirects with a code the token endpoint ties to the verifier', async () => {
    const { verifier, challenge } = pkce();
    const page = await fetch(authorizeUrl(p, { code_challenge: challenge, code_challenge_method: 'S256', login_hint: 'ana@mail.test' }), { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<label for="username">Account</label>');
    expect(html).toMatch(/<button type="submit" name="decision" value="allow">Allow<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="deny">Deny<\/button>/);
    const back = await consent(p.authorize, formOf(html, 'allow'));
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;
    // Wrong verifier, then the wrong redirect_uri: refused (and the code is spent, as a real server does).
    const wrong = await exchange(p, { code, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(await wrong.json())).toMatch(name === 'google' ? /Invalid code verifier/ : /AADSTS501481/);

    const again = await consent(p.authorize, formOf(html, 'allow'));
    const badRedirect = await exchange(p, { code: again.searchParams.get('code')!, redirect_uri: 'http://127.0.0.1:9/elsewhere', code_verifier: verifier });
    expect(badRedirect.status).toBe(400);
    expect(JSON.stringify(await badRedirect.json())).toMatch(name === 'google' ? /redirect_uri_mismatch/ : /AADSTS500112/);

    const good = await consent(p.authorize, formOf(html, 'allow'));
    const ok = await exchange(p, { code: good.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { access_token?: string }).access_token).toMatch(/^fake-at-/);
  });

  it('redirects with access_denied on Deny, and grants only the ticked scopes', async () => {
    const { challenge } = pkce();
    const html = await (await fetch(authorizeUrl(p, { code_challenge: challenge, code_challenge_method: 'S256' }))).text();
    const denied = await consent(p.authorize, formOf(html, 'deny'));
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('st-1');
    expect(denied.searchParams.get('code')).toBeNull();
    const mail = p.scope.split(' ')[0]!;
    const back = await consent(p.authorize, formOf(html, 'allow', [mail]));
    const grants = [...(server.store as unknown as { grants: Map<string, { scopes: Set<string>; username: string }> }).grants.values()];
    expect(grants.at(-1)!.username).toBe('ana@mail.test');
    expect(grants.at(-1)!.scopes.has(mail)).toBe(false);
    if (name === 'google') expect(back.searchParams.get('scope')).not.toContain(mail);
  });

  it('still signs login_hint in at once without PKCE (the CLI flow), and with fake_auto=1', async () => {
    const cases: Record<string, string>[] = [{ login_hint: 'ana@mail.test' }, { login_hint: 'ana@mail.test', fake_auto: '1', code_challenge: pkce().challenge, code_challenge_method: 'S256' }];
    for (const extra of cases) {
      const res = await fetch(authorizeUrl(p, extra), { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    }
  });
});
