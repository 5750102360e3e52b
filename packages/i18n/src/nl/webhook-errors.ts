// Dutch sentences for the webhook subscription errors (packages/webhooks).
import type { WebhookErrorCode } from '@reply-sync/webhooks/webhook-error';

export const WEBHOOK_ERROR_SENTENCES_NL: Readonly<Record<WebhookErrorCode, string>> = {
  invalid_url: 'De webhook-URL moet een absolute http://- of https://-URL zijn, zonder gebruikersnaam of wachtwoord erin.',
  private_address:
    'De webhook-URL verwijst naar een loopback-, privé- of link-local-adres, dat reply-sync niet aanroept (zo zouden diensten binnen ons netwerk bereikbaar worden); gebruik een openbaar adres, of zet WEBHOOKS_ALLOW_PRIVATE=true waar zulke ontvangers bedoeld zijn.',
  unresolvable_host: 'De hostnaam van de webhook-URL kan niet worden omgezet; controleer de spelling, of de DNS van de ontvanger.',
  unknown_event_type: 'Een van de gebeurtenistypen wordt niet door reply-sync verstuurd; kies uit de lijst in de melding.',
  no_event_types: 'Geef ten minste één gebeurtenistype op om u op te abonneren.',
};
