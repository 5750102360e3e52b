// Webhook subscriptions of one account, as the CLI and the HTTP API offer them: add (URL checked,
// secret made and shown once), list, enable, remove, and the delivery attempts.
import { randomBytes } from 'node:crypto';
import type { EncryptionKeys, Scoped, WebhookAttempt, WebhookAttemptsQuery, WebhookEndpoint } from '@reply-sync/db';
import { parseEventTypes } from './event-types';
import { checkWebhookUrl, type UrlSafetyOptions } from './url-safety';

export interface AddWebhookInput {
  url: string;
  /** Event types (`email.logged`, ...), comma-separated lists, or `all`. */
  events: readonly string[];
}

export interface AddedWebhook {
  endpoint: WebhookEndpoint;
  /** `whsec_…` (Standard Webhooks): the receiver verifies signatures with it. Shown this once only. */
  secret: string;
}

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export async function addWebhook(s: Scoped, keys: EncryptionKeys, input: AddWebhookInput, safety: UrlSafetyOptions): Promise<AddedWebhook> {
  const eventTypes = parseEventTypes(input.events);
  const url = await checkWebhookUrl(input.url, safety);
  const secret = newWebhookSecret();
  const endpoint = await s.webhooks.create({ url: url.toString(), eventTypes, secret }, keys);
  return { endpoint, secret };
}

export const listWebhooks = (s: Scoped): Promise<WebhookEndpoint[]> => s.webhooks.list();
export const getWebhook = (s: Scoped, id: string): Promise<WebhookEndpoint | null> => s.webhooks.get(id);
export const removeWebhook = (s: Scoped, id: string): Promise<void> => s.webhooks.remove(id);
export const enableWebhook = (s: Scoped, id: string): Promise<WebhookEndpoint> => s.webhooks.enable(id);
export const listWebhookAttempts = (s: Scoped, query: WebhookAttemptsQuery = {}): Promise<WebhookAttempt[]> => s.webhooks.attempts(query);
