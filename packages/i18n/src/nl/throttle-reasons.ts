// Dutch sentences for packages/mail's throttle reasons (a provider holding an inbox back for a while).
import type { ThrottleReason } from '@reply-sync/mail/throttle-reasons';

export const THROTTLE_SENTENCES_NL: Readonly<Record<ThrottleReason, string>> = {
  gmail_bandwidth_exceeded:
    'Gmail heeft IMAP voor dit account opgeschort omdat de opdracht- of bandbreedtelimieten van Gmail zijn overschreden (Gmail heft dit na 1 tot 24 uur op); gebeurt het opnieuw, zoek dan naar een andere app die de hele mailbox downloadt (een back-upprogramma, een tweede mailprogramma).',
  too_many_connections:
    'De mailserver weigerde nog een verbinding voor dit account: er staan er al zoveel open als de server toestaat (Gmail staat er 15 toe, gedeeld met de mailapps van de gebruiker op al diens apparaten); houdt dit aan, vraag de gebruiker dan om mailapps te sluiten die niet meer worden gebruikt.',
  gmail_throttled: 'Gmail vertraagt IMAP-verzoeken voor dit account ([THROTTLED]), meestal door intensief gebruik door deze of een andere app.',
  office365_not_connected:
    'Microsoft 365 accepteerde de aanmelding maar weigerde de sessie ("User is authenticated but not connected"): dat antwoordt het aan clients die te vaak opnieuw verbinden, en ook als IMAP voor de mailbox uitstaat of de app geen machtiging voor de mailbox heeft; houdt het urenlang aan, controleer dan of IMAP is ingeschakeld voor de mailbox (Microsoft 365-beheercentrum, tabblad E-mail van de gebruiker, E-mail-apps beheren).',
  office365_throttled:
    'Microsoft 365 beperkt IMAP-verzoeken voor deze mailbox ("Request is throttled") en heeft aangegeven hoe lang er gewacht moet worden.',
  server_unavailable:
    'De mailserver meldde dat het account tijdelijk niet beschikbaar is, zoals servers dat doen tijdens een herstart of onder zware belasting.',
};

/** What follows a throttle sentence in the worker's last error (English: THROTTLED_SUFFIX). */
export const THROTTLED_SUFFIX_NL = 'reply-sync wacht zoals de provider vraagt en meldt zich daarna vanzelf opnieuw aan; de inbox blijft gekoppeld.';
