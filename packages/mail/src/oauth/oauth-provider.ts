// The two OAuth mail providers as configuration: client credentials, the identity endpoints and the
// IMAP/SMTP hosts, each defaulting to the real service so production needs only the client id and
// secret, and tests point everything at the stack's fake OAuth server.
import type { ImapSettings, SmtpSettings } from '../settings';

export type OAuthProviderName = 'gmail' | 'office365';

export const GMAIL_SCOPES = ['https://mail.google.com/'] as const;
export const OFFICE365_IMAP_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All';
export const OFFICE365_SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';
/** offline_access asks for a refresh token; msal-node adds openid and profile itself. */
export const OFFICE365_SCOPES = [OFFICE365_IMAP_SCOPE, OFFICE365_SMTP_SCOPE, 'offline_access'] as const;

export interface GmailProviderConfig {
  clientId: string;
  clientSecret: string;
  /** Default https://accounts.google.com/o/oauth2/v2/auth */
  authBaseUrl?: string;
  /** Default https://oauth2.googleapis.com/token */
  tokenUrl?: string;
  /** Root URL of the Gmail API, for the profile call that names the account. Default https://gmail.googleapis.com/ */
  apiRootUrl?: string;
  imap?: ImapSettings;
  smtp?: SmtpSettings;
}

export interface Office365ProviderConfig {
  clientId: string;
  clientSecret: string;
  /** Default https://login.microsoftonline.com/common */
  authority?: string;
  /**
   * Hosts msal-node may trust without instance discovery. Default: the authority's host when it is not
   * a Microsoft host (msal would otherwise ask login.microsoftonline.com about it).
   */
  knownAuthorities?: string[];
  imap?: ImapSettings;
  smtp?: SmtpSettings;
}

export interface OAuthCommonConfig {
  /** Extra trusted CA (PEM) for the identity endpoints, e.g. the test stack's; system CAs stay trusted. */
  ca?: string | Buffer;
  /** Per HTTP request to the identity endpoints. Default 15 s. */
  timeoutMs?: number;
}

interface ProviderBase {
  readonly imap: ImapSettings;
  readonly smtp: SmtpSettings;
  readonly scopes: readonly string[];
  /** The scope without which the inbox cannot work (a grant lacking it is `consent_missing`). */
  readonly imapScope: string;
  readonly ca: string | Buffer | undefined;
  readonly timeoutMs: number;
}

export interface GmailProvider extends ProviderBase {
  readonly name: 'gmail';
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authBaseUrl: string;
  readonly tokenUrl: string;
  readonly apiRootUrl: string;
}

export interface Office365Provider extends ProviderBase {
  readonly name: 'office365';
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authority: string;
  readonly knownAuthorities: readonly string[];
}

export type OAuthProvider = GmailProvider | Office365Provider;

export const DEFAULT_OAUTH_TIMEOUT_MS = 15_000;
const MICROSOFT_HOSTS = /(^|\.)(login\.microsoftonline\.com|login\.microsoft\.com|login\.windows\.net|login\.microsoftonline\.us|login\.chinacloudapi\.cn)$/i;

export function gmailProvider(config: GmailProviderConfig, common: OAuthCommonConfig = {}): GmailProvider {
  return {
    name: 'gmail',
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authBaseUrl: config.authBaseUrl ?? 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: config.tokenUrl ?? 'https://oauth2.googleapis.com/token',
    apiRootUrl: config.apiRootUrl ?? 'https://gmail.googleapis.com/',
    imap: config.imap ?? { host: 'imap.gmail.com', port: 993, tls: 'tls' },
    smtp: config.smtp ?? { host: 'smtp.gmail.com', port: 465, tls: 'tls' },
    scopes: GMAIL_SCOPES,
    imapScope: GMAIL_SCOPES[0],
    ca: common.ca,
    timeoutMs: common.timeoutMs ?? DEFAULT_OAUTH_TIMEOUT_MS,
  };
}

export function office365Provider(config: Office365ProviderConfig, common: OAuthCommonConfig = {}): Office365Provider {
  const authority = (config.authority ?? 'https://login.microsoftonline.com/common').replace(/\/+$/, '');
  const host = new URL(authority).host;
  return {
    name: 'office365',
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authority,
    knownAuthorities: config.knownAuthorities ?? (MICROSOFT_HOSTS.test(new URL(authority).hostname) ? [] : [host]),
    imap: config.imap ?? { host: 'outlook.office365.com', port: 993, tls: 'tls' },
    smtp: config.smtp ?? { host: 'smtp.office365.com', port: 587, tls: 'starttls' },
    scopes: OFFICE365_SCOPES,
    imapScope: OFFICE365_IMAP_SCOPE,
    ca: common.ca,
    timeoutMs: common.timeoutMs ?? DEFAULT_OAUTH_TIMEOUT_MS,
  };
}
