// Polish sentences for packages/mail's connect-check outcomes (settings refused, a login that failed
// for a reason other than a disconnect reason). Placeholders as in CONNECT_SENTENCES.
import type { ConnectSentenceCode } from '@reply-sync/mail/connect-sentences';

export const CONNECT_SENTENCES_PL: Readonly<Record<ConnectSentenceCode, string>> = {
  pop3_settings:
    '{server} to serwer POP3, a reply-sync obsługuje tylko IMAP; użyj zamiast niego serwera IMAP dostawcy, np. {suggested} z TLS (lub portu 143 z STARTTLS).',
  plaintext_imap:
    'W trybie TLS „none” serwer IMAP {server} otrzymałby hasło bez szyfrowania, a nie działa on na tym komputerze, więc reply-sync odmawia połączenia; użyj trybu TLS tls (port 993) lub starttls (port 143) albo, tylko jeśli sieć do tego serwera jest zaufana, zezwól tej skrzynce na połączenia nieszyfrowane opcją --allow-plaintext.',
  plaintext_smtp:
    'W trybie TLS „none” serwer SMTP {server} otrzymałby hasło bez szyfrowania, a nie działa on na tym komputerze, więc reply-sync odmawia połączenia; użyj trybu TLS tls (port 465) lub starttls (port 587) albo, tylko jeśli sieć do tego serwera jest zaufana, zezwól tej skrzynce na połączenia nieszyfrowane opcją --allow-plaintext.',
  throttled: '{throttle} Nic nie zostało zapisane; spróbuj ponownie za kilka minut (odpowiedź {server}: {detail}).',
  unreachable: 'Nie udało się połączyć z serwerem IMAP {server} ({detail}); sprawdź host i port, a potem spróbuj ponownie.',
  tls_mode: 'Nie udało się połączyć z {server} w trybie TLS „{tls}” ({detail}); sprawdź port i tryb TLS (993 z TLS lub 143 z STARTTLS).',
  failed: 'Połączenie z {server} nie powiodło się ({detail}).',
};
