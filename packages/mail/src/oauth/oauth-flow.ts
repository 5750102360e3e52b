// The provider-neutral entry points the CLI (connect) and the worker (refresh) call.
import { gmailAuthorizationUrl, gmailExchangeCode, gmailRefreshAccessToken } from './gmail-oauth';
import { office365AuthorizationUrl, office365ExchangeCode, office365RefreshAccessToken } from './office365-oauth';
import type { OAuthProvider } from './oauth-provider';
import type { AuthorizationUrlOptions, ExchangeCodeOptions, ExchangedTokens, RefreshedTokens } from './oauth-tokens';

/** The URL to send the user to: offline access, only the IMAP and SMTP scopes. */
export async function authorizationUrl(provider: OAuthProvider, options: AuthorizationUrlOptions): Promise<string> {
  return provider.name === 'gmail' ? gmailAuthorizationUrl(provider, options) : office365AuthorizationUrl(provider, options);
}

/**
 * Trades the code from the redirect for tokens and the account's login. Throws OAuthError:
 * `consent_missing` when the IMAP scope was not granted, `config`/`transient` otherwise.
 */
export async function exchangeCode(provider: OAuthProvider, options: ExchangeCodeOptions): Promise<ExchangedTokens> {
  return provider.name === 'gmail' ? gmailExchangeCode(provider, options) : office365ExchangeCode(provider, options);
}

/**
 * A new access token. Throws OAuthError with code `oauth_revoked`, `sessions_revoked` or
 * `consent_missing` (disconnect), `transient` (network, outage: try later) or `config`.
 */
export async function refreshAccessToken(provider: OAuthProvider, refreshToken: string): Promise<RefreshedTokens> {
  return provider.name === 'gmail' ? gmailRefreshAccessToken(provider, refreshToken) : office365RefreshAccessToken(provider, refreshToken);
}
