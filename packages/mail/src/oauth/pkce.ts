// PKCE (RFC 7636) with S256: a random verifier the server keeps, and its challenge for the authorization URL.
import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** 43 characters of base64url (32 random bytes): sent only with the code exchange. */
  verifier: string;
  /** base64url(SHA-256(verifier)): sent with the authorization URL. */
  challenge: string;
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}
