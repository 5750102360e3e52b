// Dutch sentences for what an API key's scope allows (packages/db).
import type { ApiKeyScope } from '@reply-sync/db/api-key-scopes';

export const API_KEY_SCOPE_SENTENCES_NL: Readonly<Record<ApiKeyScope, string>> = {
  read: 'alles van het account lezen: inboxen, contactpersonen, bedrijven, deals, tijdlijnen, e-mails met hun inhoud en bijlagen',
  write: 'aanmaken en wijzigen: inboxen koppelen, opnieuw koppelen en verwijderen, contactpersonen toevoegen, e-mails versturen en loggen',
  support: 'status en geschiedenis van inboxen, beslissingen en uitleg: waarom een antwoord wel of niet is gelogd; nooit de inhoud of een bijlage van een e-mail',
};
