// Provider OAuth for Gmail and Office 365: configuration, consent URL, code exchange, refresh, errors.
export {
  gmailProvider,
  office365Provider,
  GMAIL_SCOPES,
  OFFICE365_SCOPES,
  OFFICE365_IMAP_SCOPE,
  OFFICE365_SMTP_SCOPE,
  DEFAULT_OAUTH_TIMEOUT_MS,
  type OAuthProviderName,
  type OAuthProvider,
  type GmailProvider,
  type Office365Provider,
  type GmailProviderConfig,
  type Office365ProviderConfig,
  type OAuthCommonConfig,
} from './oauth-provider';
export { authorizationUrl, exchangeCode, refreshAccessToken } from './oauth-flow';
export { providersFromEnv, type OAuthEnv, type OAuthProviders, type ProvidersFromEnvOptions } from './providers-from-env';
export { OAuthError, OAUTH_ERROR_SENTENCES, isOAuthError, isOAuthDisconnectReason, type OAuthErrorCode, type OAuthDisconnectReason } from './oauth-error';
export { toOAuthError } from './classify-oauth-error';
export { MsalNetworkClient } from './msal-network-client';
export type { AuthorizationUrlOptions, ExchangeCodeOptions, ExchangedTokens, RefreshedTokens } from './oauth-tokens';
export { createPkcePair, s256Challenge, type PkcePair } from './pkce';
