// Polish sentences for packages/threading's reason codes (why a message was or was not logged).
import type { ReasonCode } from '@reply-sync/threading';

export const REASON_SENTENCES_PL: Readonly<Record<ReasonCode, string>> = {
  duplicate: 'Ta wiadomość jest już na osi czasu; nie została zapisana po raz drugi.',
  bounce: 'To jest powiadomienie serwera poczty o niedostarczeniu wiadomości, a nie odpowiedź od człowieka.',
  auto_reply:
    'To jest odpowiedź automatyczna (np. informacja o nieobecności); została odnotowana, ale nie trafiła na oś czasu.',
  not_in_inbox:
    'Wiadomość nie znajduje się w folderze INBOX (jest w podfolderze, w folderze Junk lub Spam); zapisywane są tylko odpowiedzi z folderu INBOX.',
  not_a_reply:
    'Wiadomość nie jest odpowiedzią na żaden e-mail wysłany ani zapisany przez CRM (jej nagłówki In-Reply-To i References nie pasują do żadnego).',
  inbox_disconnected:
    'Wiadomość dotarła, gdy ta skrzynka była odłączona; odpowiedzi z tego okresu nie są zapisywane.',
  never_log:
    'Nadawca lub jeden z odbiorców pierwotnego e-maila jest na liście „nigdy nie zapisuj” tego konta.',
  sender_not_contact:
    'Nadawca nie jest kontaktem w CRM (alias ani inny adres tej samej osoby się nie liczą).',
  sender_unverified:
    'Nie udało się zweryfikować nadawcy (brak wyniku DMARC pass ani zgodnego DKIM pass: w przypadku odpowiedzi od własnego serwera poczty skrzynki, w przypadku poczty na adres BCC według naszej własnej kontroli lub własnego serwera poczty skrzynki do zapisywania), a konto wymaga zweryfikowanych nadawców; wiadomość nie została zapisana.',
  sender_not_user:
    'Wiadomość przyszła na adres BCC lub adres przekazywania konta, ale jej nadawca (From) nie jest użytkownikiem konta, adresem podłączonej skrzynki ani jego aliasem; w ten sposób pocztę mogą zapisywać tylko osoby z tego konta.',
  no_loggable_recipient:
    'Wiadomość przyszła na adres BCC, ale żadnego z odbiorców z pól To i Cc nie można zapisać (każdy jest użytkownikiem konta, jest na liście „nigdy nie zapisuj” albo sam otrzymał wiadomość w Bcc); albo przyszła na adres przekazywania, a pierwotny nadawca jest jednym z adresów samego konta.',
  not_thread_owner:
    'Odpowiedź trafiła do skrzynki innego użytkownika niż ten, który rozpoczął wątek; jest zapisywana tylko ze skrzynki właściciela wątku.',
  team_thread:
    'Wątek rozpoczęto z adresu zespołu; odpowiedzi są zapisywane tylko ze skrzynki tego zespołu, nie ze skrzynki osobistej ani ze skrzynki innego zespołu.',
  message_too_large:
    'Wiadomość w skrzynce do zapisywania jest większa, niż worker może odczytać (LOGGING_MAX_MESSAGE_BYTES); pozostała nieprzeczytana i nie została zapisana. Wyślij ją ponownie bez największych załączników albo zapisz ją poleceniem `reply-sync email log`.',
  forward_not_recognised:
    'E-mail trafił na adres przekazywania, ale w jego części tekstowej ani HTML nie znaleziono nagłówka przekazania (From, Date, Subject oryginału); przekaż odpowiedź ponownie przyciskiem Przekaż w swoim programie pocztowym, zachowując dodany przez niego nagłówek, albo zapisz ją poleceniem `reply-sync email log`.',
  forward_of_thread:
    'E-mail trafił na adres przekazywania, ale zawiera cały przekazany wątek, a nie jedną odpowiedź; przekaż każdą odpowiedź osobno, po jednej wiadomości.',
  malformed:
    'Nie udało się odczytać wiadomości (jej nagłówki są uszkodzone); została pominięta, a synchronizacja skrzynki trwała dalej.',
  logged: 'Wiadomość została zapisana na osi czasu.',
  logged_without_attachments:
    'Wiadomość została zapisana na osi czasu bez załączników: łącznie przekraczają limit 50 MB.',
};
