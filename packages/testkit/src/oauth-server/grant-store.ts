// The fake OAuth server's memory: grants (one per test user and connection), the codes, refresh tokens
// and access tokens issued for them, and what the admin API did to them (revoked, password changed...).
import { randomBytes } from 'node:crypto';

export type FakeProvider = 'google' | 'microsoft';

/** Why refresh tokens of a grant stopped working (null while they work). */
export type GrantEnd = 'revoked' | 'password_changed' | null;

export interface Grant {
  readonly id: string;
  readonly provider: FakeProvider;
  readonly username: string;
  readonly clientId: string;
  /** Scopes the user granted; removing one makes refreshes that need it fail (consent). */
  scopes: Set<string>;
  ended: GrantEnd;
  endedAt: Date | null;
  readonly createdAt: Date;
  /** Rotate the refresh token on every refresh (Microsoft does; Google does not). */
  rotateRefreshTokens: boolean;
  accessTokenTtlSeconds: number;
  /** The token endpoint waits this long before answering a refresh (to widen races in tests). */
  refreshDelayMs: number;
  /** Refresh-token grants answered successfully (tests count them to prove a single refresh). */
  refreshCount: number;
  /** Authorization-code exchanges answered successfully. */
  codeExchangeCount: number;
}

export interface AccessTokenInfo {
  grantId: string;
  expiresAt: number;
  scopes: string[];
}

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  scope: string;
  refreshToken?: string;
}

export interface CreateGrantInput {
  provider?: FakeProvider;
  /** The login the tokens stand for (the Dovecot user for XOAUTH2). */
  username: string;
  /** Granted scopes; default: the provider's IMAP + SMTP scopes (and offline_access etc. for Microsoft). */
  scopes?: string[];
  clientId?: string;
  /** Default: true for microsoft, false for google. */
  rotateRefreshTokens?: boolean;
  accessTokenTtlSeconds?: number;
  /** The token endpoint holds each refresh this long (to widen races). */
  refreshDelayMs?: number;
}

/**
 * What an authorization code was issued with, checked when it is exchanged: the redirect_uri (the token
 * request must repeat it) and the PKCE challenge (the token request must bring its verifier). Codes
 * made by the admin API carry neither and are exchanged without these checks.
 */
export interface CodeBinding {
  redirectUri?: string | undefined;
  codeChallenge?: string | undefined;
  codeChallengeMethod?: string | undefined;
}

export const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';
export const MICROSOFT_IMAP_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All';
export const MICROSOFT_SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';

export function defaultScopes(provider: FakeProvider): string[] {
  return provider === 'google'
    ? [GOOGLE_MAIL_SCOPE]
    : [MICROSOFT_IMAP_SCOPE, MICROSOFT_SMTP_SCOPE, 'offline_access', 'openid', 'profile'];
}

const token = (prefix: string) => `${prefix}-${randomBytes(24).toString('base64url')}`;

export class GrantStore {
  private readonly grants = new Map<string, Grant>();
  private readonly codes = new Map<string, { grantId: string; binding: CodeBinding }>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly accessTokens = new Map<string, AccessTokenInfo>();

  create(input: CreateGrantInput): Grant {
    const provider = input.provider ?? 'google';
    const grant: Grant = {
      id: token('grant'),
      provider,
      username: input.username,
      clientId: input.clientId ?? 'reply-sync-test',
      scopes: new Set(input.scopes ?? defaultScopes(provider)),
      ended: null,
      endedAt: null,
      createdAt: new Date(),
      rotateRefreshTokens: input.rotateRefreshTokens ?? provider === 'microsoft',
      accessTokenTtlSeconds: input.accessTokenTtlSeconds ?? 3600,
      refreshDelayMs: input.refreshDelayMs ?? 0,
      refreshCount: 0,
      codeExchangeCount: 0,
    };
    this.grants.set(grant.id, grant);
    return grant;
  }

  get(id: string): Grant | undefined {
    return this.grants.get(id);
  }

  /** A single-use authorization code for the grant. */
  issueCode(grant: Grant, binding: CodeBinding = {}): string {
    const code = token(grant.provider === 'google' ? '4/fake-code' : 'fake-ms-code');
    this.codes.set(code, { grantId: grant.id, binding });
    return code;
  }

  /** Takes a code out of circulation and returns its grant and binding (undefined for unknown or used codes). */
  redeemCode(code: string): { grant: Grant; binding: CodeBinding } | undefined {
    const entry = this.codes.get(code);
    if (entry === undefined) return undefined;
    this.codes.delete(code);
    const grant = this.grants.get(entry.grantId);
    return grant ? { grant, binding: entry.binding } : undefined;
  }

  grantOfRefreshToken(refreshToken: string): Grant | undefined {
    const grantId = this.refreshTokens.get(refreshToken);
    return grantId === undefined ? undefined : this.grants.get(grantId);
  }

  /** New access token (+ a refresh token when asked); the grant's current scopes. */
  issueTokens(grant: Grant, options: { withRefreshToken: boolean; replacing?: string }): IssuedTokens {
    const scopes = [...grant.scopes];
    const accessToken = token('fake-at');
    this.accessTokens.set(accessToken, {
      grantId: grant.id,
      expiresAt: Date.now() + grant.accessTokenTtlSeconds * 1000,
      scopes,
    });
    const out: IssuedTokens = { accessToken, expiresIn: grant.accessTokenTtlSeconds, scope: scopes.join(' ') };
    if (options.withRefreshToken) {
      if (options.replacing !== undefined) this.refreshTokens.delete(options.replacing);
      out.refreshToken = token('fake-rt');
      this.refreshTokens.set(out.refreshToken, grant.id);
    }
    return out;
  }

  /** The grant behind a live access token (unexpired, grant not revoked), else undefined. */
  liveAccessToken(accessToken: string): { grant: Grant; info: AccessTokenInfo } | undefined {
    const info = this.accessTokens.get(accessToken);
    if (!info || info.expiresAt <= Date.now()) return undefined;
    const grant = this.grants.get(info.grantId);
    if (!grant || grant.ended === 'revoked') return undefined;
    return { grant, info };
  }

  /** The user revoked the app: refresh and access tokens stop working at once. */
  revoke(grant: Grant): void {
    grant.ended = 'revoked';
    grant.endedAt = new Date();
  }

  /** Microsoft: a password change ends refresh tokens; issued access tokens live until they expire. */
  passwordChanged(grant: Grant): void {
    grant.ended = 'password_changed';
    grant.endedAt = new Date();
  }

  expireAccessTokens(grant: Grant): number {
    let n = 0;
    for (const info of this.accessTokens.values()) {
      if (info.grantId === grant.id && info.expiresAt > Date.now()) {
        info.expiresAt = Date.now() - 1;
        n += 1;
      }
    }
    return n;
  }
}
