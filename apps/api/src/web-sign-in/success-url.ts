// Where the browser may be sent after a web sign-in: a relative path on the API's public URL, or a URL
// under one of the operator's allowed prefixes (API_OAUTH_SUCCESS_URLS). Anything else would make the
// callback an open redirect. Pure.

/** The absolute URL to redirect to, or null when `wanted` is not allowed. */
export function allowedSuccessUrl(wanted: string, publicUrl: string, allowed: readonly string[]): string | null {
  // A path of ours: "/x", never "//host" or "/\host" (browsers read both as another host).
  if (wanted.startsWith('/')) {
    if (wanted.startsWith('//') || wanted.startsWith('/\\')) return null;
    const url = new URL(wanted, publicUrl);
    return url.origin === new URL(publicUrl).origin ? url.toString() : null;
  }
  let url: URL;
  try {
    url = new URL(wanted);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  for (const entry of allowed) {
    const prefix = new URL(entry);
    if (url.origin !== prefix.origin) continue;
    const path = prefix.pathname.endsWith('/') ? prefix.pathname : `${prefix.pathname}/`;
    if (prefix.pathname === '/' || url.pathname === prefix.pathname || url.pathname.startsWith(path)) return url.toString();
  }
  return null;
}

/** The success URL with the outcome added, for the page behind it. */
export function withOutcome(successUrl: string, outcome: { inboxId: string; result: 'connected' | 'reconnected' }): string {
  const url = new URL(successUrl);
  url.searchParams.set('inboxId', outcome.inboxId);
  url.searchParams.set('result', outcome.result);
  return url.toString();
}
