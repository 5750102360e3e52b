// Dutch sentences for the webhook event types (packages/webhooks).
import type { WebhookEventType } from '@reply-sync/webhooks/event-types';

export const WEBHOOK_EVENT_SENTENCES_NL: Readonly<Record<WebhookEventType, string>> = {
  'email.logged':
    'Er is een e-mail op de tijdlijn gelogd: een antwoord dat reply-sync heeft herkend (bron reply_sync), een verzending vanuit het CRM, of een handmatig gelogde e-mail (log).',
  'email.sent': 'Een e-mail die het CRM wilde versturen, is aan de mailserver overgedragen en gelogd.',
  'email.send_failed': 'Een e-mail die het CRM wilde versturen, wordt niet verzonden; de code en de toelichting geven de reden.',
  'inbox.connected': 'Er is een nieuwe inbox gekoppeld.',
  'inbox.disconnected':
    'Een inbox wordt niet meer gesynchroniseerd: de code, de toelichting daarbij en de eigen tekst van de provider vertellen waarom en wat er moet gebeuren.',
  'inbox.reconnected': 'Een ontkoppelde inbox is opnieuw gekoppeld.',
  'email.opened': 'Iemand heeft een gevolgde e-mail geopend (niet verstuurd wanneer privacyproxy\'s of scanners de e-mail vooraf ophalen); de ontvanger is leeg als de opening anoniem is.',
  'email.clicked': 'Iemand heeft op een link in een gevolgde e-mail geklikt; het doel is de link zoals die in de e-mail stond.',
};
