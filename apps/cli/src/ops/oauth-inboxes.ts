// Connecting Gmail and Office 365 inboxes over OAuth from the CLI: show the consent URL and take back the
// pasted code; exchanging it, the XOAUTH2 login and saving are packages/operations (oauth-inboxes.ts),
// shared with the API's web sign-in.
import { randomBytes } from 'node:crypto';
import type { Inbox, Scoped } from '@reply-sync/db';
import { authorizationUrl, type ImapSettings, type OAuthProvider, type OAuthProviderName, type OAuthProviders } from '@reply-sync/mail';
import { CliError } from '../cli-error';
import { DEFAULT_REDIRECT_URI } from '../option-values';
import { requireUser } from '@reply-sync/operations/accounts';
import { requireInbox } from '@reply-sync/operations/inbox-status';
import type { ConnectedInbox, MailDeps } from '@reply-sync/operations/inboxes';
import { imapOf, replaceOAuthTokens, saveOAuthInbox, signInWithCode, type SignedIn } from '@reply-sync/operations/oauth-inboxes';

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

/** Consent URL → pasted code → tokens → an XOAUTH2 login (packages/operations signInWithCode). */
async function signIn(
  deps: OAuthSignInDeps,
  options: { redirectUri: string; loginHint?: string | undefined; imap: ImapSettings; address?: string | undefined; expectUsername?: string | undefined },
): Promise<SignedIn> {
  const { provider } = deps;
  const state = deps.state ?? randomBytes(16).toString('base64url');
  const url = await authorizationUrl(provider, { state, redirectUri: options.redirectUri, ...(options.loginHint ? { loginHint: options.loginHint } : {}) });
  const code = codeFromPasted(await deps.askForCode(url), state);
  // OAuthError (consent_missing when the IMAP scope was not granted) propagates: nothing is saved.
  return signInWithCode(provider, { code, redirectUri: options.redirectUri, imap: options.imap, address: options.address, expectUsername: options.expectUsername }, deps);
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
  const signedIn = await signIn(deps, {
    redirectUri: input.redirectUri ?? DEFAULT_REDIRECT_URI,
    loginHint: input.address ?? input.userEmail,
    imap: provider.imap,
    address: input.address,
  });
  return saveOAuthInbox(s, { user, provider, signedIn, address: input.address, aliases: input.aliases, trustedAuthservIds: input.trustedAuthservIds }, deps);
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
  const signedIn = await signIn(
    { ...deps, provider },
    { redirectUri: input.redirectUri ?? DEFAULT_REDIRECT_URI, loginHint: current.username, imap: imapOf(current), address: current.address, expectUsername: current.username },
  );
  return replaceOAuthTokens(s, current, signedIn, deps);
}
