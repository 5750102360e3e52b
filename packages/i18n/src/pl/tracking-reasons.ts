// Polish sentences for why a tracked open or click is a person's or a machine's (packages/tracking).
import type { EventReason } from '@reply-sync/tracking';

export const EVENT_REASON_SENTENCES_PL: Readonly<Record<EventReason, string>> = {
  human: 'Otwarte lub kliknięte przez osobę, na ile możemy to stwierdzić.',
  head_request: 'Żądanie HEAD: tak sprawdzają linki skanery, ludzie nigdy.',
  known_scanner_range: 'Z adresów bramki bezpieczeństwa poczty (takiej jak Microsoft Defender czy Proofpoint): pobiera obrazy i otwiera linki, by sprawdzić wiadomość, niezależnie od tego, czy ktoś ją czyta.',
  apple_mpp_egress_range: 'Pobrane z adresów Mail Privacy Protection firmy Apple: Apple pobiera obrazy za odbiorcę niezależnie od tego, czy wiadomość została przeczytana.',
  apple_mpp_prefetch_timing: 'Serwer pośredniczący Apple Mail pobrał obraz kilka sekund po wysłaniu: wstępne pobranie dla prywatności, nie przeczytanie.',
  google_image_proxy: 'Przez serwer pośredniczący obrazów Gmaila: liczy się jako otwarcie (Gmail pobiera obrazy, gdy odbiorca otwiera wiadomość).',
  google_image_proxy_repeat: 'Serwer pośredniczący obrazów Gmaila pobrał obraz ponownie: nie liczy się drugi raz.',
  links_clicked_within_a_second: 'Mniej niż sekundę wcześniej kliknięto inny link tej samej wiadomości: skaner, który otwiera każdy link.',
  click_before_open_at_delivery: 'Link kliknięto kilka sekund po wysłaniu, przed jakimkolwiek otwarciem: skaner bezpieczeństwa sprawdzający wiadomość przy doręczeniu.',
};
