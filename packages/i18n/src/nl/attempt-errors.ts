// Dutch sentences for why a webhook delivery attempt failed (packages/webhooks).
import type { AttemptErrorCode } from '@reply-sync/webhooks/attempt-errors';

export const ATTEMPT_ERROR_SENTENCES_NL: Readonly<Record<AttemptErrorCode, string>> = {
  timeout: 'De ontvanger reageerde niet binnen de time-out.',
  connection_failed: 'De ontvanger was niet bereikbaar (verbinding geweigerd, verbroken of host niet gevonden).',
  http_error: 'De ontvanger reageerde met een andere status dan 2xx.',
  redirect: 'De ontvanger reageerde met een doorverwijzing, en webhooks volgen geen doorverwijzingen; gebruik de uiteindelijke URL voor de webhook.',
  private_address: 'De host van de ontvanger verwijst nu naar een loopback-, privé- of link-local-adres, dat reply-sync niet aanroept.',
};
