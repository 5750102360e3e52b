// GET /oauth/{provider}/callback, as the numbered steps a support person would explain:
//  1. the state is ours, intact, unexpired, for this provider, and not used before (single-use);
//  2. the provider did not send an error (consent denied);
//  3. the code is exchanged with the PKCE verifier, the account is the one expected (a reconnect), and
//     an XOAUTH2 login to IMAP works: nothing is saved before that;
//  4. the tokens are saved, encrypted: in place of the inbox's (a reconnect, or the same user signing
//     the same mailbox in again) or as a new inbox.
// Each refusal is a stable code with a sentence; the route turns the outcome into a redirect or a page.
import { scoped, type Db, type EncryptionKeys, type Inbox, type Scoped } from '@reply-sync/db';
import type { OAuthProvider, OAuthProviderName } from '@reply-sync/mail';
import { imapOf, oauthInboxToReconnect, replaceOAuthTokens, saveOAuthInbox, signInWithCode, type SignedIn } from '@reply-sync/operations/oauth-inboxes';
import type { ConnectedInbox } from '@reply-sync/operations/inboxes';
import { OperationError } from '@reply-sync/operations/operation-error';
import { problemOf } from '../problem';
import { verifyState, type SignInState } from './sign-in-state';
import { requireWebProvider } from './start-sign-in';
import { redirectUriFor, type WebSignInConfig } from './web-sign-in-config';

export interface CallbackQuery {
  state?: string | undefined;
  code?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
  scope?: string | undefined;
}

export type SignInOutcome =
  | { ok: true; connected: ConnectedInbox; result: 'connected' | 'reconnected'; successUrl: string | null }
  | { ok: false; status: number; code: string; sentence: string; detail?: string | undefined };

const AGAIN = 'Start the sign-in again from the app.';

const refused = (status: number, code: string, sentence: string, detail?: string): SignInOutcome => ({ ok: false, status, code, sentence, ...(detail ? { detail } : {}) });

/** Step 1: the state. */
async function checkState(config: WebSignInConfig, provider: string, token: string | undefined): Promise<{ state: SignInState; codeVerifier: string } | SignInOutcome> {
  if (!config.stateKey) return refused(503, 'web_sign_in_not_configured', 'Web sign-in is not configured on this API (API_OAUTH_STATE_KEY is not set); nothing was saved.');
  const checked = verifyState(token, config.stateKey, (config.now ?? Date.now)());
  if (!checked.ok) {
    switch (checked.refusal) {
      case 'oauth_state_missing':
        return refused(400, 'oauth_state_missing', `This sign-in address has no state, so it cannot be tied to a sign-in you started; nothing was saved. ${AGAIN}`);
      case 'oauth_state_invalid':
        return refused(400, 'oauth_state_invalid', `This sign-in address was not issued by reply-sync or was changed on the way (its state does not verify); nothing was saved. ${AGAIN}`);
      case 'oauth_state_expired':
        return refused(400, 'oauth_state_expired', `This sign-in took longer than the ${Math.round(config.stateTtlSeconds / 60)} minutes it may take and expired; nothing was saved. ${AGAIN}`);
    }
  }
  const { state } = checked;
  if (state.provider !== provider) {
    return refused(400, 'oauth_state_provider_mismatch', `This sign-in was started for ${state.provider} but came back from ${provider}; nothing was saved. ${AGAIN}`);
  }
  const pending = await config.store.take(state.nonce);
  if (!pending) {
    return refused(400, 'oauth_state_replayed', 'This sign-in address was used already (each is good for one sign-in), so it was refused and nothing more was saved. If the inbox is not connected, start a new sign-in from the app.');
  }
  return { state, codeVerifier: pending.codeVerifier };
}

/** Step 3's reconnect target, or null for a new inbox; re-checked now, as the inbox may have changed since. */
async function inboxToReplace(s: Scoped, state: SignInState): Promise<Inbox | null> {
  if (state.inboxId === null) return null;
  return oauthInboxToReconnect(s, state.inboxId);
}

/** Step 4 for a new sign-in: the same user's live inbox on this provider and login, whose tokens are replaced. */
async function sameMailbox(s: Scoped, provider: OAuthProviderName, signedIn: SignedIn, userId: string | null): Promise<Inbox | null> {
  const username = signedIn.tokens.username.toLowerCase();
  const existing = (await s.inboxes.list()).find((i) => i.provider === provider && i.authKind === 'oauth2' && i.username.toLowerCase() === username);
  if (!existing) return null;
  if (existing.userId !== userId) {
    throw new OperationError(
      'inbox_exists',
      `${signedIn.tokens.username} is already connected in this account as another user's inbox (${existing.address}); nothing was changed. Sign in with your own mailbox, or ask an admin to remove that inbox first.`,
    );
  }
  return existing;
}

export async function completeSignIn(config: WebSignInConfig, deps: { db: Db; keys: () => EncryptionKeys }, provider: string, query: CallbackQuery): Promise<SignInOutcome> {
  // 1. The state.
  const checked = await checkState(config, provider, query.state);
  if ('ok' in checked) return checked;
  const { state, codeVerifier } = checked;
  // 2. The provider's answer.
  if (query.error !== undefined) {
    if (query.error === 'access_denied') {
      return refused(403, 'oauth_consent_denied', 'You declined to give reply-sync access to your mailbox, so nothing was connected. Sign in again and choose Allow to connect it.', query.error_description);
    }
    return refused(502, 'oauth_provider_error', `The provider ended the sign-in with an error (${query.error}); nothing was saved. ${AGAIN}`, query.error_description);
  }
  if (!query.code) return refused(400, 'oauth_code_missing', `The provider sent the browser back without a code; nothing was saved. ${AGAIN}`);
  const s = scoped(deps.db, state.accountId);
  try {
    const client: OAuthProvider = requireWebProvider(config, state.provider);
    const current = await inboxToReplace(s, state);
    if (current === null && state.userId !== null && !(await s.users.get(state.userId))) {
      return refused(404, 'user_not_found', 'The user this sign-in was started for was removed from the account; nothing was saved.');
    }
    // 3. Exchange, expected account, XOAUTH2 login.
    const signedIn = await signInWithCode(
      client,
      {
        code: query.code,
        codeVerifier,
        redirectUri: redirectUriFor(config, state.provider),
        imap: current ? imapOf(current) : client.imap,
        address: current?.address,
        expectUsername: state.expectUsername ?? undefined,
      },
      { tlsCa: config.tlsCa },
    );
    // 4. Save, encrypted.
    const replace = current ?? (await sameMailbox(s, state.provider, signedIn, state.userId));
    const keys = { keys: deps.keys() };
    const connected = replace ? await replaceOAuthTokens(s, replace, signedIn, keys) : await saveOAuthInbox(s, { user: state.userId ? { id: state.userId } : null, provider: client, signedIn }, keys);
    return { ok: true, connected, result: replace ? 'reconnected' : 'connected', successUrl: state.successUrl };
  } catch (error) {
    const { problem, unexpected } = problemOf(error);
    if (unexpected) throw error;
    if (problem.code === 'consent_missing') {
      return refused(422, 'consent_missing', 'The sign-in did not grant access to the mailbox (the mail permission was not ticked); nothing was saved. Sign in again and keep every permission reply-sync asks for.', problem.serverText);
    }
    return refused(problem.status, problem.code, problem.detail, problem.serverText);
  }
}
