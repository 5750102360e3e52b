// The events a subscription can ask for, each with the sentence `webhook add --help` and the API show.
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@reply-sync/db/schema';
import { WebhookError } from './webhook-error';

export { WEBHOOK_EVENT_TYPES, type WebhookEventType };

export const WEBHOOK_EVENT_SENTENCES: Readonly<Record<WebhookEventType, string>> = {
  'email.logged': 'An email was logged on the timeline: a reply reply-sync matched (source reply_sync), a CRM send, or an email logged by hand (log).',
  'email.sent': 'An email the CRM asked to send was handed to the mail server and logged.',
  'email.send_failed': 'An email the CRM asked to send will not be sent; the code and sentence say why.',
  'inbox.connected': 'A new inbox was connected.',
  'inbox.disconnected': 'An inbox stopped syncing: the code, its sentence and the provider\'s own text say why and what to do.',
  'inbox.reconnected': 'A disconnected inbox was connected again.',
  'email.opened': 'A person opened a tracked email (privacy-proxy prefetches and scanners are not sent); the recipient is null when the open is anonymous.',
  'email.clicked': 'A person clicked a link in a tracked email; the target is the link as it was written.',
};

/** `all` or a list of known types, without repeats; WebhookError otherwise. */
export function parseEventTypes(values: readonly string[]): WebhookEventType[] {
  const wanted = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
  if (wanted.length === 0) throw new WebhookError('no_event_types');
  if (wanted.includes('all')) return [...WEBHOOK_EVENT_TYPES];
  const unknown = wanted.find((v) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(v));
  if (unknown) throw new WebhookError('unknown_event_type', `"${unknown}" is not one of ${WEBHOOK_EVENT_TYPES.join(', ')} (or all)`);
  return [...new Set(wanted as WebhookEventType[])];
}
