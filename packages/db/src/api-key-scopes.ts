// What an API key may do, one sentence each. No imports: the CLI's command definitions (loaded for
// --help) read it, and so does the schema.
export const API_KEY_SCOPES = ['read', 'write', 'support'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const API_KEY_SCOPE_SENTENCES: Record<ApiKeyScope, string> = {
  read: 'read everything of the account: inboxes, contacts, companies, deals, timelines, emails with their bodies and attachments',
  write: 'create and change: connect, reconnect and remove inboxes, add contacts, send and log emails',
  support: "inbox statuses and history, decisions and explain: why a reply was or was not logged; never an email's body or attachment",
};

/** `read,write` → ['read', 'write']; null when a value is not a scope (or the list is empty). */
export function parseApiKeyScopes(text: string): ApiKeyScope[] | null {
  const values = text.split(',').map((v) => v.trim()).filter(Boolean);
  if (values.length === 0 || !values.every((v): v is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(v))) return null;
  return [...new Set(values)];
}
