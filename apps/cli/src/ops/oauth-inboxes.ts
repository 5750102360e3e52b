// Connecting Gmail and Office 365 inboxes over OAuth: show the consent URL, take back the code, exchange
// it, log in to IMAP with XOAUTH2, and only then save the tokens (encrypted) or reconnect the inbox.
import { randomBytes } from 'node:crypto';
import type { Inbox, Scoped, StoredOAuthCredentials } from '@reply-sync/db';
import { authorizationUrl, exchangeCode, verifyImapLogin, type ExchangedTokens, type ImapSettings, type OAuthProvider, type OAuthProviderName, type OAuthProviders } from '@reply-sync/mail';
import { CliError } from '../cli-error';
import { DEFAULT_REDIRECT_URI } from '../option-values';
import { requireUser } from '@reply-sync/operations/accounts';
import { requireInbox } from '@reply-sync/operations/inbox-status';
import type { ConnectedInbox, MailDeps } from '@reply-sync/operations/inboxes';

const CLIENT_VARIABLES: Record<OAuthProviderName, [id: string, secret: string]> = {
  gmail: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
  office365: ['MICROSOFT_CLIENT_ID', 'MICROSOFT_CLIENT_SECRET'],
};

/** The configured provider, or a sentence naming the variables to set. */
export function requireProvider(providers: OAuthProviders, name: OAuthProviderName): OAuthProvider {
  const provider = providers[name];
  if (provider) return provider;
  const [id, secret] = CLIENT_VARIABLES[name];
  throw new CliError(
    'oauth_client_missing',
    `No OAuth client is configured for ${name}: set ${id} and ${secret} (the app registered with the provider), or pass --stack to use the local stack's fake OAuth server.`,
  );
}

export interface OAuthSignInDeps extends MailDeps {
  provider: OAuthProvider;
  /**
   * Shows the user the authorization URL and returns what they bring back: the code, or the whole
   * address the browser was redirected to.
   */
  askForCode(authorizationUrl: string): Promise<string>;
  /** The `state` sent along (default: random); a pasted redirect URL must carry it back. */
  state?: string;
}

/** The code out of what the user pasted: a bare code, or a redirect URL (whose state must match). */
export function codeFromPasted(pasted: string, expectedState: string): string {
  const text = pasted.trim();
  if (!text) throw new CliError('oauth_code_missing', 'No authorization code was given; paste the code (or the whole address the browser ended on) after signing in.');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !text.includes('code=') && !text.includes('error=')) return text;
  const query = new URLSearchParams(text.includes('?') ? text.slice(text.indexOf('?') + 1).split('#')[0] : text);
  const error = query.get('error');
  if (error) {
    const description = query.get('error_description');
    throw new CliError('oauth_denied', 'The provider sent the user back without a code (sign-in was cancelled or refused); nothing was saved. Run the command again and accept every permission.', `${error}${description ? `: ${description}` : ''}`);
  }
  const state = query.get('state');
  if (state !== null && state !== expectedState) {
    throw new CliError('oauth_state_mismatch', 'The pasted address belongs to a different sign-in (its state does not match this one); use the address from the URL this command printed.');
  }
  const code = query.get('code');
  if (!code) throw new CliError('oauth_code_missing', 'The pasted address has no `code` parameter; paste the address the browser ended on after signing in, or just the code.');
  return code;
}

interface SignedIn {
  tokens: ExchangedTokens;
  login: Awaited<ReturnType<typeof verifyImapLogin>>;
}

/** Consent URL → code → tokens → an XOAUTH2 login, so an inbox is saved only when IMAP really works. */
async function signIn(
  deps: OAuthSignInDeps,
  options: { redirectUri: string; loginHint?: string | undefined; imap: ImapSettings; address?: string | undefined; expectUsername?: string | undefined },
): Promise<SignedIn> {
  const { provider } = deps;
  const state = deps.state ?? randomBytes(16).toString('base64url');
  const url = await authorizationUrl(provider, { state, redirectUri: options.redirectUri, ...(options.loginHint ? { loginHint: options.loginHint } : {}) });
  const code = codeFromPasted(await deps.askForCode(url), state);
  // OAuthError (consent_missing when the IMAP scope was not granted) propagates: nothing is saved.
  const tokens = await exchangeCode(provider, { code, redirectUri: options.redirectUri });
  const expected = options.expectUsername;
  if (expected !== undefined && tokens.username.toLowerCase() !== expected.toLowerCase()) {
    throw new CliError(
      'oauth_account_mismatch',
      `You signed in as ${tokens.username}, but inbox ${options.address ?? expected} belongs to ${expected}; nothing was changed. Sign in as ${expected}, or connect ${tokens.username} as a new inbox.`,
    );
  }
  const login = await verifyImapLogin(
    options.imap,
    { kind: 'oauth2', username: tokens.username, accessToken: tokens.accessToken },
    { address: options.address ?? tokens.username, ...(deps.tlsCa ? { ca: deps.tlsCa } : {}) },
  );
  return { tokens, login };
}

/** The shape the worker reads (StoredOAuthCredentials in @reply-sync/db). */
function credentialsOf(tokens: ExchangedTokens): StoredOAuthCredentials {
  return {
    refreshToken: tokens.refreshToken,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.expiresAt.toISOString(),
    grantedScopes: tokens.grantedScopes,
  };
}

export interface ConnectOAuthInboxInput {
  /** Owner of a personal inbox; omit (with team: true) for a team inbox. */
  userEmail?: string | undefined;
  team?: boolean | undefined;
  /** Default: the account that signed in. */
  address?: string | undefined;
  aliases?: string[] | undefined;
  redirectUri?: string | undefined;
  /** authserv-ids trusted for sender verification; default: the provider's (mx.google.com, Microsoft's id-less header). */
  trustedAuthservIds?: string[] | undefined;
}

export async function connectOAuthInbox(s: Scoped, input: ConnectOAuthInboxInput, deps: OAuthSignInDeps): Promise<ConnectedInbox> {
  if (Boolean(input.userEmail) === Boolean(input.team)) {
    throw new CliError('owner_required', 'Say whose inbox this is: --user EMAIL for a personal inbox, or --team for a team inbox (not both).');
  }
  // Before the user is sent to sign in: an unknown owner should not cost them a consent screen.
  const user = input.userEmail ? await requireUser(s, input.userEmail) : null;
  const { provider } = deps;
  const { tokens, login } = await signIn(deps, {
    redirectUri: input.redirectUri ?? DEFAULT_REDIRECT_URI,
    loginHint: input.address ?? input.userEmail,
    imap: provider.imap,
    address: input.address,
  });
  const inbox = await s.inboxes.create(
    {
      userId: user?.id ?? null,
      kind: user ? 'personal' : 'team',
      provider: provider.name,
      authKind: 'oauth2',
      address: input.address ?? tokens.username,
      aliases: input.aliases ?? [],
      imapHost: provider.imap.host,
      imapPort: provider.imap.port,
      imapTls: provider.imap.tls,
      smtpHost: provider.smtp.host,
      smtpPort: provider.smtp.port,
      smtpTls: provider.smtp.tls,
      username: tokens.username,
      credentials: credentialsOf(tokens),
      sentMailbox: login.sentMailbox,
      trustedAuthservIds: input.trustedAuthservIds ?? null,
    },
    deps.keys,
  );
  return { inbox, capabilities: login.capabilities, hasIdle: login.hasIdle, sentMailbox: login.sentMailbox };
}

/** The inbox a reconnect acts on, refused early when it is removed; callers branch on its authKind. */
export async function inboxToReconnect(s: Scoped, inboxId: string): Promise<Inbox> {
  const current = await requireInbox(s, inboxId);
  if (current.status === 'removed') {
    throw new CliError('inbox_removed', `Inbox ${current.address} was removed; connect it again with \`reply-sync inbox connect\`.`);
  }
  return current;
}

export interface ReconnectOAuthInboxInput {
  inboxId: string;
  redirectUri?: string | undefined;
}

/**
 * Signs the inbox's account in again and stores the new grant: inboxes.reconnect clears the disconnect
 * state and keeps the checkpoint (mail that arrived while disconnected is recorded, not logged).
 */
export async function reconnectOAuthInbox(s: Scoped, input: ReconnectOAuthInboxInput, deps: Omit<OAuthSignInDeps, 'provider'> & { providers: OAuthProviders }): Promise<ConnectedInbox> {
  const current = await inboxToReconnect(s, input.inboxId);
  if (current.authKind !== 'oauth2' || current.provider === 'imap') {
    throw new CliError('not_an_oauth_inbox', `Inbox ${current.address} signs in with a password; reconnect it with --password-stdin or --password-env NAME.`);
  }
  const provider = requireProvider(deps.providers, current.provider);
  const imap: ImapSettings = { host: current.imapHost, port: current.imapPort, tls: current.imapTls };
  const { tokens, login } = await signIn(
    { ...deps, provider },
    { redirectUri: input.redirectUri ?? DEFAULT_REDIRECT_URI, loginHint: current.username, imap, address: current.address, expectUsername: current.username },
  );
  await s.inboxes.reconnect(current.id, credentialsOf(tokens), deps.keys, { authKind: 'oauth2', username: tokens.username });
  if (login.sentMailbox !== current.sentMailbox) await s.inboxes.setSentMailbox(current.id, login.sentMailbox);
  const inbox = (await s.inboxes.get(current.id))!;
  return { inbox, capabilities: login.capabilities, hasIdle: login.hasIdle, sentMailbox: login.sentMailbox };
}
