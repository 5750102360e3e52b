// The OAuth providers an app has a client for, built from the environment names every app shares
// (GOOGLE_*, MICROSOFT_*). A provider whose client id or secret is unset is not configured; endpoints
// left unset default to the real services (gmailProvider / office365Provider).
import {
  gmailProvider,
  office365Provider,
  type GmailProviderConfig,
  type OAuthCommonConfig,
  type OAuthProvider,
  type OAuthProviderName,
  type Office365ProviderConfig,
} from './oauth-provider';

/** The variables read; unset and empty both mean "not set". Apps validate them (zod) before passing them. */
export interface OAuthEnv {
  GOOGLE_CLIENT_ID?: string | undefined;
  GOOGLE_CLIENT_SECRET?: string | undefined;
  GOOGLE_TOKEN_URL?: string | undefined;
  GOOGLE_AUTH_URL?: string | undefined;
  /** Root URL of the Gmail API, for the profile call that names the account (only the CLI's connect makes it). */
  GOOGLE_API_ROOT_URL?: string | undefined;
  MICROSOFT_CLIENT_ID?: string | undefined;
  MICROSOFT_CLIENT_SECRET?: string | undefined;
  MICROSOFT_AUTHORITY?: string | undefined;
}

export type OAuthProviders = Partial<Record<OAuthProviderName, OAuthProvider>>;

type ClientFields = 'clientId' | 'clientSecret';

export interface ProvidersFromEnvOptions extends OAuthCommonConfig {
  /** Settings no variable names (e.g. the IMAP/SMTP hosts of a local stack), per provider. */
  gmail?: Partial<Omit<GmailProviderConfig, ClientFields>>;
  office365?: Partial<Omit<Office365ProviderConfig, ClientFields>>;
}

const set = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

export function providersFromEnv(env: OAuthEnv, options: ProvidersFromEnvOptions = {}): OAuthProviders {
  const { gmail, office365, ...common } = options;
  const providers: OAuthProviders = {};
  const googleId = set(env.GOOGLE_CLIENT_ID);
  const googleSecret = set(env.GOOGLE_CLIENT_SECRET);
  if (googleId && googleSecret) {
    providers.gmail = gmailProvider(
      {
        clientId: googleId,
        clientSecret: googleSecret,
        tokenUrl: set(env.GOOGLE_TOKEN_URL),
        authBaseUrl: set(env.GOOGLE_AUTH_URL),
        apiRootUrl: set(env.GOOGLE_API_ROOT_URL),
        ...gmail,
      },
      common,
    );
  }
  const microsoftId = set(env.MICROSOFT_CLIENT_ID);
  const microsoftSecret = set(env.MICROSOFT_CLIENT_SECRET);
  if (microsoftId && microsoftSecret) {
    providers.office365 = office365Provider(
      { clientId: microsoftId, clientSecret: microsoftSecret, authority: set(env.MICROSOFT_AUTHORITY), ...office365 },
      common,
    );
  }
  return providers;
}
