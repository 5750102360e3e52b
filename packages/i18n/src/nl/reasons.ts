// Dutch sentences for packages/threading's reason codes (why a message was or was not logged).
import type { ReasonCode } from '@reply-sync/threading';

export const REASON_SENTENCES_NL: Readonly<Record<ReasonCode, string>> = {
  duplicate: 'Dit bericht staat al op de tijdlijn; het is niet nog een keer gelogd.',
  bounce: 'Dit is een onbestelbaarheidsmelding van een mailserver, geen antwoord van een persoon.',
  auto_reply:
    'Dit is een automatisch antwoord (afwezigheidsbericht of iets dergelijks); het is vastgelegd maar niet op de tijdlijn gezet.',
  not_in_inbox:
    'Het bericht staat niet in de INBOX (maar in een submap, Junk of Spam); alleen antwoorden in de INBOX worden gelogd.',
  not_a_reply:
    'Het bericht is geen antwoord op een e-mail die het CRM heeft verstuurd of gelogd (de In-Reply-To en References ervan komen met geen enkele overeen).',
  inbox_disconnected:
    'Het bericht is binnengekomen terwijl deze inbox niet gekoppeld was; antwoorden uit die periode worden niet gelogd.',
  never_log:
    'De afzender of een van de ontvangers van de oorspronkelijke e-mail staat op de nooit-loggen-lijst van het account.',
  sender_not_contact:
    'De afzender is geen contactpersoon in het CRM (een alias of een ander adres van dezelfde persoon telt niet).',
  sender_unverified:
    'De afzender kon niet worden geverifieerd (geen DMARC-pass of uitgelijnde DKIM-pass: bij een antwoord van de eigen mailserver van de inbox, bij mail aan het BCC-adres door onze eigen controle of door de eigen mailserver van de logmailbox) en het account vereist geverifieerde afzenders; de e-mail is niet gelogd.',
  sender_not_user:
    "De e-mail kwam binnen op het BCC- of doorstuuradres van het account, maar de afzender (From) is geen gebruiker van het account, geen adres van een gekoppelde inbox en geen alias daarvan; alleen de eigen mensen van het account kunnen op deze manier e-mail loggen.",
  no_loggable_recipient:
    'De e-mail kwam binnen op het BCC-adres, maar geen van de ontvangers in To en Cc kan worden gelogd (elk is een gebruiker van het account, staat op de nooit-loggen-lijst of kreeg de e-mail zelf in Bcc); of hij kwam binnen op het doorstuuradres en de oorspronkelijke afzender is een van de eigen adressen van het account.',
  not_thread_owner:
    'Het antwoord is binnengekomen in de inbox van een andere gebruiker dan degene die de conversatie begon; het wordt alleen gelogd vanuit de inbox van de eigenaar van de conversatie.',
  team_thread:
    'De conversatie is begonnen vanaf een teamadres; antwoorden worden alleen gelogd vanuit die teaminbox, niet vanuit een persoonlijke inbox of die van een ander team.',
  message_too_large:
    'De e-mail in de logmailbox is groter dan wat de worker leest (LOGGING_MAX_MESSAGE_BYTES); hij is ongelezen gelaten en niet gelogd. Stuur hem opnieuw zonder de grootste bijlagen, of log hem met `reply-sync email log`.',
  forward_not_recognised:
    'De e-mail kwam binnen op het doorstuuradres, maar in het tekst- of HTML-deel is geen doorstuurkop (From, Date, Subject van het origineel) gevonden; stuur het antwoord opnieuw door met de knop Doorsturen van uw mailprogramma, met de kop die het toevoegt, of log het met `reply-sync email log`.',
  forward_of_thread:
    'De e-mail kwam binnen op het doorstuuradres, maar bevat een hele doorgestuurde conversatie, niet één antwoord; stuur elk antwoord apart door, één bericht tegelijk.',
  malformed:
    'Het bericht kon niet worden gelezen (de headers zijn beschadigd); het is overgeslagen en de inbox is gewoon verder gesynchroniseerd.',
  logged: 'De e-mail is op de tijdlijn gelogd.',
  logged_without_attachments:
    'De e-mail is zonder bijlagen op de tijdlijn gelogd; de bijlagen zijn samen groter dan de limiet van 50 MB.',
};
