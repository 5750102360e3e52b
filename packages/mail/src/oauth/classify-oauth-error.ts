// Maps what google-auth-library (gaxios) and @azure/msal-node throw onto OAuthError codes, through the
// package's one classifier (classifyMailError), plus what only token endpoints say: a bad client
// (operator problem) and a provider outage (transient).
import { classifyMailError } from '../classify-error';
import { OAuthError, isOAuthDisconnectReason, isOAuthError } from './oauth-error';

/** OAuth error codes that mean our client registration or request is wrong, not the user's grant. */
const CONFIG_ERRORS = new Set(['invalid_client', 'invalid_request', 'redirect_uri_mismatch', 'unsupported_grant_type', 'unauthorized_client_app']);

type Fields = Record<string, unknown>;
const fields = (v: unknown): Fields => (v !== null && typeof v === 'object' ? (v as Fields) : {});

function oauthErrorCode(err: unknown): string | undefined {
  const f = fields(err);
  const data = fields(fields(f.response).data);
  if (typeof data.error === 'string') return data.error;
  if (typeof f.errorCode === 'string') return f.errorCode;
  return undefined;
}

function httpStatus(err: unknown): number | undefined {
  const f = fields(err);
  const status = fields(f.response).status ?? f.status;
  return typeof status === 'number' ? status : undefined;
}

function mask(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('(* hidden *)');
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1(* hidden *)');
}

/** An OAuthError for anything a token request threw; `secrets` are masked out of the detail. */
export function toOAuthError(err: unknown, secrets: readonly string[] = []): OAuthError {
  if (isOAuthError(err)) return err;
  const cls = classifyMailError(err, 'oauth2');
  const detail = mask(cls.detail, secrets);
  if (cls.kind === 'auth' && isOAuthDisconnectReason(cls.reason)) return new OAuthError(cls.reason, detail, { cause: err });
  const code = oauthErrorCode(err);
  if (code !== undefined && CONFIG_ERRORS.has(code)) return new OAuthError('config', detail, { cause: err });
  const status = httpStatus(err);
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return new OAuthError('config', detail, { cause: err });
  }
  // Network, DNS, timeouts, 5xx, 429 and anything unrecognised: try again later, never disconnect.
  return new OAuthError('transient', detail, { cause: err });
}
