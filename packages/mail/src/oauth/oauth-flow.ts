// The provider-neutral entry points the CLI (connect) and the worker (refresh) call. Each provider's
// module (google-auth-library, @azure/msal-node) is imported on first use: a worker or CLI command that
// never meets a Gmail or Office 365 inbox never loads their clients.
import type { OAuthProvider } from './oauth-provider';
import type { AuthorizationUrlOptions, ExchangeCodeOptions, ExchangedTokens, RefreshedTokens } from './oauth-tokens';

const gmail = () => import('./gmail-oauth');
const office365 = () => import('./office365-oauth');

/** The URL to send the user to: offline access, only the IMAP and SMTP scopes. */
export async function authorizationUrl(provider: OAuthProvider, options: AuthorizationUrlOptions): Promise<string> {
  return provider.name === 'gmail'
    ? (await gmail()).gmailAuthorizationUrl(provider, options)
    : (await office365()).office365AuthorizationUrl(provider, options);
}

/**
 * Trades the code from the redirect for tokens and the account's login. Throws OAuthError:
 * `consent_missing` when the IMAP scope was not granted, `config`/`transient` otherwise.
 */
export async function exchangeCode(provider: OAuthProvider, options: ExchangeCodeOptions): Promise<ExchangedTokens> {
  return provider.name === 'gmail'
    ? (await gmail()).gmailExchangeCode(provider, options)
    : (await office365()).office365ExchangeCode(provider, options);
}

/**
 * A new access token. Throws OAuthError with code `oauth_revoked`, `sessions_revoked` or
 * `consent_missing` (disconnect), `transient` (network, outage: try later) or `config`.
 */
export async function refreshAccessToken(provider: OAuthProvider, refreshToken: string): Promise<RefreshedTokens> {
  return provider.name === 'gmail'
    ? (await gmail()).gmailRefreshAccessToken(provider, refreshToken)
    : (await office365()).office365RefreshAccessToken(provider, refreshToken);
}
