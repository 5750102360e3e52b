// The checks a token endpoint makes when a code is exchanged: the same redirect_uri as the authorize
// request, and a PKCE verifier whose S256 hash is the challenge sent there (RFC 7636 section 4.6).
import { createHash } from 'node:crypto';
import type { CodeBinding } from './grant-store';

export type CodeBindingProblem = 'redirect_uri_mismatch' | 'code_verifier_missing' | 'code_verifier_mismatch' | 'challenge_method_unsupported';

export function codeBindingProblem(binding: CodeBinding, fields: Record<string, string>): CodeBindingProblem | null {
  if (binding.redirectUri !== undefined && fields.redirect_uri !== binding.redirectUri) return 'redirect_uri_mismatch';
  if (binding.codeChallenge === undefined) return null;
  const verifier = fields.code_verifier;
  if (!verifier) return 'code_verifier_missing';
  const method = binding.codeChallengeMethod ?? 'plain';
  if (method === 'plain') return verifier === binding.codeChallenge ? null : 'code_verifier_mismatch';
  if (method !== 'S256') return 'challenge_method_unsupported';
  return createHash('sha256').update(verifier).digest('base64url') === binding.codeChallenge ? null : 'code_verifier_mismatch';
}
