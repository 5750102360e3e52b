// The one error the OAuth functions throw: a code the worker acts on, the provider's own words for
// support, and a sentence for the person connecting the inbox. Tokens never appear in any of them.
import { DISCONNECT_SENTENCES, type DisconnectReason } from '../disconnect-reasons';

/** The reasons an OAuth grant ends; each disconnects the inbox. */
export type OAuthDisconnectReason = Extract<DisconnectReason, 'oauth_revoked' | 'sessions_revoked' | 'consent_missing'>;

/**
 * - a disconnect reason: the grant is over; disconnect, never retry.
 * - `transient`: network, timeout, the provider's 5xx; try again later, never disconnect for it.
 * - `config`: our client id/secret or endpoints are wrong (invalid_client, unauthorized_client...):
 *   an operator problem that no inbox should be disconnected for.
 */
export type OAuthErrorCode = OAuthDisconnectReason | 'transient' | 'config';

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly code: OAuthErrorCode;
  /** The provider's (or the OS's) own text, e.g. `invalid_grant: Token has been expired or revoked.` */
  readonly detail: string;

  constructor(code: OAuthErrorCode, detail: string, options?: { cause?: unknown }) {
    super(sentenceFor(code, detail), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = detail;
  }

  /** True when the inbox must be disconnected with `code` as its reason. */
  get disconnects(): boolean {
    return isOAuthDisconnectReason(this.code);
  }
}

export function isOAuthDisconnectReason(code: unknown): code is OAuthDisconnectReason {
  return code === 'oauth_revoked' || code === 'sessions_revoked' || code === 'consent_missing';
}

/**
 * The sentences of the codes that do not disconnect (the disconnect reasons' are DISCONNECT_SENTENCES).
 * `{detail}` is replaced by the provider's (or the OS's) own text.
 */
export const OAUTH_ERROR_SENTENCES: Readonly<Record<Exclude<OAuthErrorCode, OAuthDisconnectReason>, string>> = {
  transient: "The provider's sign-in service could not be reached or failed for now ({detail}); the token is refreshed again later.",
  config: 'The OAuth client settings were refused by the provider ({detail}); check the client id, secret and endpoints in the configuration.',
};

function sentenceFor(code: OAuthErrorCode, detail: string): string {
  if (isOAuthDisconnectReason(code)) return DISCONNECT_SENTENCES[code].replaceAll('{address}', 'this inbox');
  return OAUTH_ERROR_SENTENCES[code].replaceAll('{detail}', () => detail);
}

export function isOAuthError(error: unknown): error is OAuthError {
  return error instanceof OAuthError || (error as { name?: unknown } | null)?.name === 'OAuthError';
}
