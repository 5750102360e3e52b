// Polish sentences for why a webhook delivery attempt failed (packages/webhooks).
import type { AttemptErrorCode } from '@reply-sync/webhooks/attempt-errors';

export const ATTEMPT_ERROR_SENTENCES_PL: Readonly<Record<AttemptErrorCode, string>> = {
  timeout: 'Odbiorca nie odpowiedział w wyznaczonym czasie.',
  connection_failed: 'Nie udało się połączyć z odbiorcą (połączenie odrzucone, zerwane lub nie znaleziono hosta).',
  http_error: 'Odbiorca odpowiedział statusem innym niż 2xx.',
  redirect: 'Odbiorca odpowiedział przekierowaniem, a webhooki nie podążają za przekierowaniami; podaj w webhooku docelowy adres URL.',
  private_address: 'Host odbiorcy wskazuje teraz adres loopback, prywatny lub link-local, pod który reply-sync nie wysyła żądań.',
};
