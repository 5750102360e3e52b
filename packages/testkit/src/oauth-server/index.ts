// The fake OAuth server (Google- and Microsoft-style token endpoints, Dovecot introspection, admin API)
// and the client tests use to drive it.
export { oauthServer, type CreateGrantOptions, type CreatedGrant, type FakeGrant, type OAuthServerUrls } from './client';
export { startOAuthServer, type OAuthServerOptions, type RunningOAuthServer } from './server';
export { GOOGLE_MAIL_SCOPE, MICROSOFT_IMAP_SCOPE, MICROSOFT_SMTP_SCOPE, type FakeProvider } from './grant-store';
