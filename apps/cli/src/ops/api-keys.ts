// Creating an API key: the scopes checked, the key returned once.
import type { Scoped } from '@reply-sync/db';
import { API_KEY_SCOPES, parseApiKeyScopes } from '@reply-sync/db/api-key-scopes';
import { CliError } from '../cli-error';

export async function createApiKey(s: Scoped, input: { scopes: string; name?: string | undefined }) {
  const scopes = parseApiKeyScopes(input.scopes);
  if (!scopes) {
    throw new CliError('invalid_scopes', `"${input.scopes}" is not a list of scopes; give some of ${API_KEY_SCOPES.join(', ')}, comma-separated (e.g. --scopes read,write).`);
  }
  return s.apiKeys.create({ scopes, name: input.name?.trim() || null });
}
