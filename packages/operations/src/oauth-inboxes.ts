// Connecting Gmail and Office 365 inboxes once the provider sent back a code, shared by the CLI (the code
// pasted back) and the API's web sign-in (the code on the callback): exchange it (with the PKCE verifier
// when there is one), refuse a different account than the one expected, log in to IMAP with XOAUTH2, and
// only then save the tokens (encrypted) as a new inbox or in place of an inbox's old ones.
import type { Inbox, Scoped, StoredOAuthCredentials, User } from '@reply-sync/db';
import { exchangeCode, verifyImapLogin, type ExchangedTokens, type ImapSettings, type OAuthProvider } from '@reply-sync/mail';
import { requireInbox } from './inbox-status';
import type { ConnectedInbox, MailDeps } from './inboxes';
import { OperationError } from './operation-error';

export interface SignedIn {
  tokens: ExchangedTokens;
  login: Awaited<ReturnType<typeof verifyImapLogin>>;
}

export interface CodeSignInInput {
  code: string;
  redirectUri: string;
  /** PKCE: the verifier whose S256 challenge went with the authorization URL. */
  codeVerifier?: string | undefined;
  /** The IMAP server to prove the token on (the provider's, or the inbox's own for a reconnect). */
  imap: ImapSettings;
  /** The inbox's address, for sentences. */
  address?: string | undefined;
  /** The login the grant must be for (the inbox being reconnected); another is `oauth_account_mismatch`. */
  expectUsername?: string | undefined;
}

/** The refused sentence when the provider signed in someone else than the inbox's account. */
export function accountMismatch(signedInAs: string, expected: string, address: string): OperationError {
  return new OperationError(
    'oauth_account_mismatch',
    `You signed in as ${signedInAs}, but inbox ${address} belongs to ${expected}; nothing was changed. Sign in as ${expected}, or connect ${signedInAs} as a new inbox.`,
  );
}

/**
 * Code → tokens → an XOAUTH2 login, so an inbox is saved only when IMAP really works. Throws OAuthError
 * (consent_missing when the mail scope was not granted, config, transient), OperationError
 * oauth_account_mismatch, or the IMAP login's MailConnectError; nothing is saved in any case.
 */
export async function signInWithCode(provider: OAuthProvider, input: CodeSignInInput, deps: Pick<MailDeps, 'tlsCa'>): Promise<SignedIn> {
  const tokens = await exchangeCode(provider, {
    code: input.code,
    redirectUri: input.redirectUri,
    ...(input.codeVerifier !== undefined ? { codeVerifier: input.codeVerifier } : {}),
  });
  const expected = input.expectUsername;
  if (expected !== undefined && tokens.username.toLowerCase() !== expected.toLowerCase()) {
    throw accountMismatch(tokens.username, expected, input.address ?? expected);
  }
  const login = await verifyImapLogin(
    input.imap,
    { kind: 'oauth2', username: tokens.username, accessToken: tokens.accessToken },
    { address: input.address ?? tokens.username, ...(deps.tlsCa ? { ca: deps.tlsCa } : {}) },
  );
  return { tokens, login };
}

/** The shape the worker reads (StoredOAuthCredentials in @reply-sync/db). */
export function oauthCredentialsOf(tokens: ExchangedTokens): StoredOAuthCredentials {
  return {
    refreshToken: tokens.refreshToken,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.expiresAt.toISOString(),
    grantedScopes: tokens.grantedScopes,
  };
}

export interface SaveOAuthInboxInput {
  /** Owner of a personal inbox; null for a team inbox. */
  user: Pick<User, 'id'> | null;
  provider: OAuthProvider;
  signedIn: SignedIn;
  /** Default: the account that signed in. */
  address?: string | undefined;
  aliases?: string[] | undefined;
  trustedAuthservIds?: string[] | undefined;
}

/** Saves a signed-in grant as a new inbox (tokens encrypted with deps.keys). */
export async function saveOAuthInbox(s: Scoped, input: SaveOAuthInboxInput, deps: Pick<MailDeps, 'keys'>): Promise<ConnectedInbox> {
  const { provider, signedIn: { tokens, login } } = input;
  const inbox = await s.inboxes.create(
    {
      userId: input.user?.id ?? null,
      kind: input.user ? 'personal' : 'team',
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
      credentials: oauthCredentialsOf(tokens),
      sentMailbox: login.sentMailbox,
      trustedAuthservIds: input.trustedAuthservIds ?? null,
    },
    deps.keys,
  );
  return { inbox, capabilities: login.capabilities, hasIdle: login.hasIdle, sentMailbox: login.sentMailbox };
}

/**
 * Replaces an inbox's tokens in place (same row, same id: its checkpoint, decisions and logged threads
 * stay); inboxes.reconnect clears the disconnect state and bumps the credentials version, so a running
 * session logs in again with the new grant.
 */
export async function replaceOAuthTokens(s: Scoped, current: Inbox, signedIn: SignedIn, deps: Pick<MailDeps, 'keys'>): Promise<ConnectedInbox> {
  const { tokens, login } = signedIn;
  await s.inboxes.reconnect(current.id, oauthCredentialsOf(tokens), deps.keys, { authKind: 'oauth2', username: tokens.username });
  if (login.sentMailbox !== current.sentMailbox) await s.inboxes.setSentMailbox(current.id, login.sentMailbox);
  const inbox = (await s.inboxes.get(current.id))!;
  return { inbox, capabilities: login.capabilities, hasIdle: login.hasIdle, sentMailbox: login.sentMailbox };
}

/** An OAuth inbox to sign in again (refused for a password inbox, with what to do instead). */
export async function oauthInboxToReconnect(s: Scoped, inboxId: string): Promise<Inbox & { provider: OAuthProvider['name'] }> {
  const current = await requireInbox(s, inboxId);
  if (current.status === 'removed') {
    throw new OperationError('inbox_removed', `Inbox ${current.address} was removed; connect it again as a new inbox.`);
  }
  if (current.authKind !== 'oauth2' || current.provider === 'imap') {
    throw new OperationError('not_an_oauth_inbox', `Inbox ${current.address} signs in with a password; reconnect it with its new password instead.`);
  }
  return current as Inbox & { provider: OAuthProvider['name'] };
}

/** The IMAP server an existing inbox logs in to (a reconnect proves the new token there). */
export function imapOf(inbox: Inbox): ImapSettings {
  return { host: inbox.imapHost, port: inbox.imapPort, tls: inbox.imapTls };
}
