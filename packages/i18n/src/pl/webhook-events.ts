// Polish sentences for the webhook event types (packages/webhooks).
import type { WebhookEventType } from '@reply-sync/webhooks/event-types';

export const WEBHOOK_EVENT_SENTENCES_PL: Readonly<Record<WebhookEventType, string>> = {
  'email.logged':
    'Na osi czasu zapisano e-mail: odpowiedź dopasowaną przez reply-sync (źródło reply_sync), wysyłkę z CRM lub e-mail zapisany ręcznie (log).',
  'email.sent': 'E-mail, którego wysłanie zlecił CRM, został przekazany serwerowi poczty i zapisany.',
  'email.send_failed': 'E-mail, którego wysłanie zlecił CRM, nie zostanie wysłany; kod i opis wyjaśniają dlaczego.',
  'inbox.connected': 'Podłączono nową skrzynkę.',
  'inbox.disconnected': 'Skrzynka przestała się synchronizować: kod, jego opis i komunikat samego dostawcy wyjaśniają, dlaczego i co zrobić.',
  'inbox.reconnected': 'Odłączoną skrzynkę podłączono ponownie.',
  'email.opened': 'Osoba otworzyła śledzoną wiadomość (wstępne pobrania przez serwery pośredniczące i skanery nie wywołują tego zdarzenia); odbiorca jest pusty, gdy otwarcie jest anonimowe.',
  'email.clicked': 'Osoba kliknęła link w śledzonej wiadomości; cel to link w postaci, w jakiej był w wiadomości.',
};
