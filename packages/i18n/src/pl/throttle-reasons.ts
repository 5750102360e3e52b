// Polish sentences for packages/mail's throttle reasons (a provider holding an inbox back for a while).
import type { ThrottleReason } from '@reply-sync/mail/throttle-reasons';

export const THROTTLE_SENTENCES_PL: Readonly<Record<ThrottleReason, string>> = {
  gmail_bandwidth_exceeded:
    'Gmail zawiesił IMAP dla tego konta, ponieważ przekroczyło ono limity poleceń lub transferu Gmaila (Gmail znosi blokadę po 1–24 godzinach); jeśli to się powtórzy, poszukaj innej aplikacji, która pobiera całą skrzynkę (narzędzia do kopii zapasowych, drugiego programu pocztowego).',
  too_many_connections:
    'Serwer poczty odrzucił kolejne połączenie dla tego konta: jest już otwartych tyle połączeń, na ile serwer pozwala (Gmail pozwala na 15 połączeń, wspólnych dla wszystkich aplikacji pocztowych użytkownika na wszystkich jego urządzeniach); jeśli to trwa, poproś użytkownika o zamknięcie nieużywanych aplikacji pocztowych.',
  gmail_throttled: 'Gmail spowalnia żądania IMAP dla tego konta ([THROTTLED]), zwykle z powodu intensywnego korzystania przez tę lub inną aplikację.',
  office365_not_connected:
    'Microsoft 365 przyjął logowanie, ale odrzucił sesję („User is authenticated but not connected”): tak odpowiada klientom, które zbyt często łączą się ponownie, a także gdy IMAP jest wyłączony dla skrzynki lub aplikacja nie ma do niej uprawnień; jeśli trwa to godzinami, sprawdź, czy IMAP jest włączony dla skrzynki (centrum administracyjne Microsoft 365, karta Poczta użytkownika, Zarządzaj aplikacjami poczty e-mail).',
  office365_throttled: 'Microsoft 365 ogranicza żądania IMAP dla tej skrzynki („Request is throttled”) i podał, jak długo czekać.',
  server_unavailable:
    'Serwer poczty odpowiedział, że konto jest chwilowo niedostępne, jak to bywa podczas ponownego uruchamiania serwera lub przy dużym obciążeniu.',
};

/** What follows a throttle sentence in the worker's last error (English: THROTTLED_SUFFIX). */
export const THROTTLED_SUFFIX_PL = 'reply-sync czeka zgodnie z prośbą dostawcy i sam loguje się ponownie; skrzynka pozostaje podłączona.';
