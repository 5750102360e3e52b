// What the token functions return. Tokens are secrets: callers store them encrypted and never log them.

export interface ExchangedTokens {
  refreshToken: string;
  accessToken: string;
  expiresAt: Date;
  /** The mailbox login (Gmail: the profile's address; Microsoft: the id token's preferred_username). */
  username: string;
  grantedScopes: string[];
}

export interface RefreshedTokens {
  accessToken: string;
  expiresAt: Date;
  /** The refresh token to keep: a rotated one when the provider sent one, else the one passed in. */
  refreshToken: string;
  /** True when `refreshToken` is new and must be saved before anything else uses the old one. */
  rotated: boolean;
  grantedScopes: string[];
}

export interface AuthorizationUrlOptions {
  /** Opaque value echoed back on the redirect (CSRF protection, which inbox is being connected). */
  state: string;
  redirectUri: string;
  /** Pre-fills the account on the provider's sign-in page. */
  loginHint?: string;
  /** PKCE: the S256 challenge of a verifier the caller keeps (pkce.ts); the code then needs the verifier. */
  codeChallenge?: string;
}

export interface ExchangeCodeOptions {
  code: string;
  redirectUri: string;
  /** PKCE: the verifier whose challenge went with the authorization URL. */
  codeVerifier?: string;
}
