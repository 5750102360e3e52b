// The JSON a receiver gets, per Standard Webhooks: { type, timestamp, data }. The outbox row keeps a
// disconnect's code and the provider's text; its sentence is added here from packages/mail's table,
// the one place those sentences live.
import { disconnectSentence, isDisconnectReason } from '@reply-sync/mail/disconnect-reasons';
import type { WebhookEventType } from './event-types';

export interface WebhookEventForBody {
  id: string;
  type: WebhookEventType;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export function webhookBody(event: WebhookEventForBody): string {
  const data: Record<string, unknown> = { eventId: event.id, ...event.payload };
  if (event.type === 'inbox.disconnected' && isDisconnectReason(data.code)) {
    data.sentence = disconnectSentence(data.code, { address: typeof data.address === 'string' ? data.address : '' });
  }
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data });
}
