// POST /v1/inboxes/oauth/{provider}: the authorization URL for one user's (or one inbox's) sign-in, with
// a signed, expiring state, a PKCE S256 challenge (the verifier kept in Redis) and login_hint.
import type { Scoped } from '@reply-sync/db';
import { authorizationUrl, createPkcePair, type OAuthProvider, type OAuthProviderName } from '@reply-sync/mail';
import { oauthInboxToReconnect } from '@reply-sync/operations/oauth-inboxes';
import { findOr404 } from '../find-or-404';
import { ApiProblem } from '../problem';
import { newNonce, signState, type SignInState } from './sign-in-state';
import { allowedSuccessUrl } from './success-url';
import { redirectUriFor, type WebSignInConfig } from './web-sign-in-config';

export interface StartSignInInput {
  userId?: string | undefined;
  userEmail?: string | undefined;
  inboxId?: string | undefined;
  loginHint?: string | undefined;
  successUrl?: string | undefined;
}

const CLIENT_VARIABLES: Record<OAuthProviderName, string> = {
  gmail: 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
  office365: 'MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET',
};

export function requireWebProvider(config: WebSignInConfig, name: OAuthProviderName): OAuthProvider {
  const provider = config.providers[name];
  if (!provider) {
    throw new ApiProblem(503, 'oauth_client_missing', `No OAuth client is configured for ${name}: the operator sets ${CLIENT_VARIABLES[name]} in the API's environment (the app registered with the provider).`);
  }
  return provider;
}

/** Who the sign-in is for: a user (new inbox) or an inbox (its tokens replaced). */
async function targetOf(s: Scoped, input: StartSignInInput, provider: OAuthProviderName) {
  const named = [input.userId, input.userEmail, input.inboxId].filter((v) => v !== undefined).length;
  if (named !== 1) {
    throw new ApiProblem(400, 'invalid_request', 'Say whose inbox to connect: userId or userEmail for a new inbox of that user, or inboxId to sign an existing inbox in again (exactly one).');
  }
  if (input.inboxId !== undefined) {
    const inbox = await oauthInboxToReconnect(s, (await findOr404('inbox', input.inboxId, (id) => s.inboxes.get(id))).id);
    if (inbox.provider !== provider) {
      throw new ApiProblem(
        422,
        'oauth_provider_mismatch',
        `Inbox ${inbox.address} is a ${inbox.provider} inbox; sign in with ${inbox.provider} to reconnect it. To move the user to ${provider}, connect the ${provider} account as a new inbox (replies to their logged threads are still logged as theirs) and remove this one.`,
      );
    }
    return { userId: inbox.userId, inboxId: inbox.id, expectUsername: inbox.username, hint: inbox.username };
  }
  const user = input.userId !== undefined ? await findOr404('user', input.userId, (id) => s.users.get(id)) : await s.users.findByEmail(input.userEmail!);
  if (!user) throw new ApiProblem(404, 'user_not_found', `There is no user ${input.userEmail} in this account; add them first (POST /v1/users).`);
  return { userId: user.id, inboxId: null, expectUsername: null, hint: user.email };
}

export async function startSignIn(config: WebSignInConfig, s: Scoped, provider: OAuthProviderName, input: StartSignInInput) {
  if (!config.stateKey) {
    throw new ApiProblem(503, 'web_sign_in_not_configured', "Web sign-in is not configured on this API: the operator sets API_OAUTH_STATE_KEY (32 random bytes, hex or base64) and API_PUBLIC_URL (the address browsers reach the API at).");
  }
  const client = requireWebProvider(config, provider);
  let successUrl: string | null = null;
  if (input.successUrl !== undefined) {
    successUrl = allowedSuccessUrl(input.successUrl, config.publicUrl, config.successUrls);
    if (!successUrl) {
      throw new ApiProblem(400, 'invalid_success_url', `successUrl ${input.successUrl} is not allowed: give a path on this API (starting with one /) or a URL under one of the operator's API_OAUTH_SUCCESS_URLS${config.successUrls.length > 0 ? ` (${config.successUrls.join(', ')})` : ' (none is set)'}.`);
    }
  }
  const target = await targetOf(s, input, provider);
  const now = (config.now ?? Date.now)();
  const state: SignInState = {
    accountId: s.accountId,
    provider,
    userId: target.userId,
    inboxId: target.inboxId,
    expectUsername: target.expectUsername,
    successUrl,
    nonce: newNonce(),
    expiresAt: Math.floor(now / 1000) + config.stateTtlSeconds,
  };
  const pkce = createPkcePair();
  await config.store.put(state.nonce, { codeVerifier: pkce.verifier }, config.stateTtlSeconds);
  const loginHint = input.loginHint ?? target.hint;
  const url = await authorizationUrl(client, {
    state: signState(state, config.stateKey),
    redirectUri: redirectUriFor(config, provider),
    codeChallenge: pkce.challenge,
    ...(loginHint ? { loginHint } : {}),
  });
  return { authorizationUrl: url, redirectUri: redirectUriFor(config, provider), expiresAt: new Date(state.expiresAt * 1000) };
}
