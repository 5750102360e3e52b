// Errors of webhook subscriptions and delivery: a closed set of codes, each with a sentence saying
// what to do, in one table.
export const WEBHOOK_ERROR_CODES = [
  'invalid_url',
  'private_address',
  'unresolvable_host',
  'unknown_event_type',
  'no_event_types',
] as const;

export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

export const WEBHOOK_ERROR_SENTENCES: Readonly<Record<WebhookErrorCode, string>> = {
  invalid_url: 'The webhook URL must be an absolute http:// or https:// URL without a user name or password in it.',
  private_address:
    'The webhook URL points at a loopback, private or link-local address, which reply-sync does not call (it could reach services inside our network); use a public address, or set WEBHOOKS_ALLOW_PRIVATE=true where such receivers are intended.',
  unresolvable_host: 'The webhook URL\'s host name does not resolve; check its spelling, or the receiver\'s DNS.',
  unknown_event_type: 'One of the event types is not one reply-sync sends; pick from the list in the message.',
  no_event_types: 'Give at least one event type to subscribe to.',
};

export class WebhookError extends Error {
  readonly code: WebhookErrorCode;
  /** The sentence, with what was wrong first. */
  constructor(code: WebhookErrorCode, what?: string) {
    super(what ? `${what}: ${WEBHOOK_ERROR_SENTENCES[code]}` : WEBHOOK_ERROR_SENTENCES[code]);
    this.name = 'WebhookError';
    this.code = code;
  }
}
