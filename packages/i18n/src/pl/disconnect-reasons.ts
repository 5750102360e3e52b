// Polish sentences for packages/mail's status reasons (the disconnect reasons and `recovered`).
// `{address}` always follows a form of "skrzynka" declined for its place in the sentence, so when no
// address is known it is left out and the sentence still reads ("hasło do skrzynki", "the mailbox's
// password": Polish needs no article or demonstrative there).
import type { StatusReason } from '@reply-sync/mail/disconnect-reasons';

export const STATUS_REASON_SENTENCES_PL: Readonly<Record<StatusReason, string>> = {
  password_rejected:
    'Serwer poczty odrzucił hasło do skrzynki {address}; prawdopodobnie zostało zmienione. Podłącz skrzynkę ponownie, podając nowe hasło.',
  server_unreachable:
    'Serwer poczty skrzynki {address} od pewnego czasu jest nieosiągalny (nie znaleziono hosta, połączenie odrzucone lub przekroczony limit czasu); sprawdź host i port IMAP skrzynki. Jeśli są poprawne, serwer nie działa, a synchronizacja wznowi się sama, gdy znów zacznie odpowiadać.',
  tls_certificate_invalid:
    'Serwer poczty skrzynki {address} przedstawił certyfikat, któremu nie można ufać (wygasły, samopodpisany lub wystawiony dla innej nazwy hosta), więc reply-sync nie wyśle do niego danych logowania; podłącz skrzynkę ponownie, podając nazwę hosta, dla której wystawiono certyfikat, lub poproś dostawcę poczty o naprawienie certyfikatu.',
  oauth_revoked:
    'Dostęp do skrzynki {address} został cofnięty lub wygasł (użytkownik odebrał aplikacji dostęp albo zgoda straciła ważność); poproś użytkownika o ponowne podłączenie skrzynki i zalogowanie się.',
  sessions_revoked:
    'Microsoft unieważnił logowanie reply-sync do skrzynki {address}: sesje użytkownika zostały unieważnione przez administratora lub samego użytkownika (dzieje się tak również po zresetowaniu hasła); poproś użytkownika o ponowne podłączenie skrzynki i zalogowanie się.',
  consent_missing:
    'Połączenie ze skrzynką {address} nie ma uprawnienia, którego potrzebuje reply-sync (nie przyznano dostępu do IMAP lub SMTP albo organizacja wymaga, by aplikację zatwierdził administrator); poproś użytkownika o ponowne podłączenie skrzynki i zaakceptowanie wszystkich uprawnień lub jego administratora o udzielenie zgody.',
  imap_disabled:
    'Dostęp IMAP jest wyłączony dla skrzynki {address}; poproś użytkownika lub administratora poczty o włączenie IMAP dla tej skrzynki, a następnie podłącz ją ponownie.',
  smtp_auth_disabled:
    'Office 365 nie pozwolił skrzynce {address} wysyłać poczty: uwierzytelniony protokół SMTP (SMTP AUTH) jest wyłączony dla tej skrzynki lub dla całej organizacji. Poproś administratora Microsoft 365 o włączenie opcji Uwierzytelniony protokół SMTP dla skrzynki (centrum administracyjne Microsoft 365, karta Poczta użytkownika, Zarządzaj aplikacjami poczty e-mail) i sprawdzenie, czy nie jest ona wyłączona dla całej organizacji, a następnie podłącz skrzynkę ponownie.',
  basic_auth_disabled:
    'Serwer poczty skrzynki {address} nie przyjmuje już hasła (Microsoft 365 wyłączył uwierzytelnianie podstawowe); podłącz skrzynkę ponownie z opcją `--provider office365`, aby logowała się przez OAuth.',
  pop3_not_supported:
    'Ustawienia skrzynki {address} wskazują serwer POP3, a reply-sync obsługuje tylko IMAP; podłącz skrzynkę ponownie, podając serwer IMAP dostawcy (zwykle imap.<domena> na porcie 993).',
  plaintext_not_allowed:
    'Ustawienia skrzynki {address} spowodowałyby wysłanie hasła bez szyfrowania (tryb TLS none) do serwera, który nie działa na tym komputerze, a skrzynka nie zezwala na połączenia nieszyfrowane; podłącz ją ponownie w trybie TLS tls lub starttls albo z opcją --allow-plaintext, jeśli sieć do tego serwera jest zaufana.',
  credentials_invalid:
    'Zapisanych danych logowania skrzynki {address} nie można użyć: zostały zaszyfrowane dla innej skrzynki (skopiowane między wierszami w bazie danych) lub są uszkodzone, więc reply-sync ich nie używa; podłącz skrzynkę ponownie (podaj hasło jeszcze raz lub zaloguj się ponownie).',
  recovered:
    'Synchronizacja skrzynki {address} przez pewien czas kończyła się błędami, które ustępują same (serwer poczty lub logowanie u dostawcy było nieosiągalne; ostatni błąd jest poniżej), a potem znów zadziałała: skrzynka sama zsynchronizowała się ponownie, nadrabiając zaległości od miejsca, w którym się zatrzymała. Nic nie trzeba robić; jeśli to się powtarza, sprawdź serwer lub sieć, która do niego prowadzi.',
};

/** What `{address}` reads when no address is known: nothing, the word "skrzynka" before it suffices. */
export const NO_ADDRESS_PL = '';
