// Removes credentials from text that leaves this package (error details, forwarded log lines).
import type { MailCredentials } from './settings';

const MASK = '(* hidden *)';

function secretsOf(credentials: MailCredentials): string[] {
  const secret = credentials.kind === 'password' ? credentials.password : credentials.accessToken;
  if (!secret) return [];
  const out = [secret];
  // The SASL payloads carry the secret base64-encoded; mask those forms too.
  if (credentials.kind === 'password') {
    out.push(Buffer.from(`\0${credentials.username}\0${secret}`).toString('base64'));
    out.push(Buffer.from(secret).toString('base64'));
  } else {
    out.push(Buffer.from(`user=${credentials.username}\x01auth=Bearer ${secret}\x01\x01`).toString('base64'));
  }
  return out.filter((s) => s.length >= 4);
}

/** Replaces the credential's secret (plain and base64 SASL forms) and any bearer token in `text`. */
export function maskSecrets(text: string, credentials?: MailCredentials): string {
  let out = text;
  if (credentials) {
    for (const secret of secretsOf(credentials)) out = out.split(secret).join(MASK);
  }
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${MASK}`);
}
