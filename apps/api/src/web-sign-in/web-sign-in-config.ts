// What the web sign-in needs, built once by runApi (or a test): the public base URL the provider
// redirects to, the state key and lifetime, the allowed success URLs, the OAuth clients and the store.
import type { OAuthProviderName, OAuthProviders } from '@reply-sync/mail';
import type { SignInStore } from './sign-in-store';

export interface WebSignInConfig {
  /** e.g. https://api.example.com (no trailing slash): the callback is <publicUrl>/oauth/<provider>/callback. */
  publicUrl: string;
  /** HMAC key for the state; null: web sign-in is not configured (POST answers 503). */
  stateKey: Buffer | null;
  stateTtlSeconds: number;
  /** Absolute URL prefixes a successUrl may start with (relative paths are always allowed). */
  successUrls: string[];
  providers: OAuthProviders;
  store: SignInStore;
  /** Extra trusted CA for the IMAP login (REPLY_SYNC_TLS_CA_FILE). */
  tlsCa?: string | undefined;
  now?: () => number;
}

export const CALLBACK_PATH = '/oauth/:provider/callback';

export function redirectUriFor(config: Pick<WebSignInConfig, 'publicUrl'>, provider: OAuthProviderName): string {
  return `${config.publicUrl.replace(/\/+$/, '')}/oauth/${provider}/callback`;
}

export const OAUTH_PROVIDER_NAMES: readonly OAuthProviderName[] = ['gmail', 'office365'];

export function isOAuthProviderName(v: string): v is OAuthProviderName {
  return (OAUTH_PROVIDER_NAMES as readonly string[]).includes(v);
}
