// Polish sentences for the webhook subscription errors (packages/webhooks).
import type { WebhookErrorCode } from '@reply-sync/webhooks/webhook-error';

export const WEBHOOK_ERROR_SENTENCES_PL: Readonly<Record<WebhookErrorCode, string>> = {
  invalid_url: 'Adres URL webhooka musi być bezwzględnym adresem http:// lub https:// bez nazwy użytkownika i hasła.',
  private_address:
    'Adres URL webhooka wskazuje adres loopback, prywatny lub link-local, pod który reply-sync nie wysyła żądań (mógłby w ten sposób dotrzeć do usług w naszej sieci); użyj adresu publicznego lub, jeśli takie adresy odbiorców są zamierzone, ustaw WEBHOOKS_ALLOW_PRIVATE=true.',
  unresolvable_host: 'Nie można ustalić adresu dla nazwy hosta z adresu URL webhooka; sprawdź jej pisownię albo konfigurację DNS odbiorcy.',
  unknown_event_type: 'Jeden z typów zdarzeń nie należy do wysyłanych przez reply-sync; wybierz z listy podanej w komunikacie.',
  no_event_types: 'Podaj co najmniej jeden typ zdarzenia do subskrypcji.',
};
