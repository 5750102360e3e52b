// Dutch sentences for packages/mail's connect-check outcomes (settings refused, a login that failed
// for a reason other than a disconnect reason). Placeholders as in CONNECT_SENTENCES.
import type { ConnectSentenceCode } from '@reply-sync/mail/connect-sentences';

export const CONNECT_SENTENCES_NL: Readonly<Record<ConnectSentenceCode, string>> = {
  pop3_settings:
    '{server} is een POP3-server, en reply-sync ondersteunt alleen IMAP; probeer in plaats daarvan de IMAP-server van de provider, bijvoorbeeld {suggested} met TLS (of poort 143 met STARTTLS).',
  plaintext_imap:
    'Met TLS-modus "none" zou de IMAP-server {server} het wachtwoord onversleuteld ontvangen, en die server staat niet op deze machine, dus reply-sync weigert dit; gebruik TLS-modus tls (poort 993) of starttls (poort 143), of sta onversleuteld verkeer voor deze inbox toe met --allow-plaintext, maar alleen als het netwerk naar die server vertrouwd is.',
  plaintext_smtp:
    'Met TLS-modus "none" zou de SMTP-server {server} het wachtwoord onversleuteld ontvangen, en die server staat niet op deze machine, dus reply-sync weigert dit; gebruik TLS-modus tls (poort 465) of starttls (poort 587), of sta onversleuteld verkeer voor deze inbox toe met --allow-plaintext, maar alleen als het netwerk naar die server vertrouwd is.',
  throttled: '{throttle} Er is niets opgeslagen; probeer het over een paar minuten opnieuw (antwoord van {server}: {detail}).',
  unreachable: 'De IMAP-server {server} was niet bereikbaar ({detail}); controleer de host en de poort en probeer het opnieuw.',
  tls_mode: 'Kon geen verbinding maken met {server} in TLS-modus "{tls}" ({detail}); controleer de poort en de TLS-modus (993 met TLS, of 143 met STARTTLS).',
  failed: 'Verbinden met {server} is mislukt ({detail}).',
};
