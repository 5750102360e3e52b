// Polish sentences for packages/tracking's tracking-plan reasons (who a tracked send tracks, and how).
import type { TrackingPlanReason } from '@reply-sync/tracking';

export const TRACKING_PLAN_SENTENCES_PL: Readonly<Record<TrackingPlanReason, string>> = {
  tracked_personal: 'Otwarcia i kliknięcia tego odbiorcy są śledzone imiennie.',
  anonymous_several_recipients:
    'Wiadomość trafia do kilku odbiorców i zawiera jeden piksel dla nich wszystkich, więc otwarcia i kliknięcia są liczone anonimowo.',
  anonymous_not_a_contact: 'Odbiorca nie jest kontaktem, więc otwarcia i kliknięcia są liczone anonimowo, bez jego adresu.',
  anonymous_no_tracking_basis:
    'Na tym koncie obowiązują zasady RODO (GDPR), a dla kontaktu nie zapisano podstawy prawnej do śledzenia, więc otwarcia i kliknięcia są liczone anonimowo.',
  not_tracked_not_requested: 'Dla tej wiadomości nie zlecono śledzenia.',
  not_tracked_never_log: 'Odbiorca jest na liście „nigdy nie zapisuj”, więc wiadomość nie zawiera piksela ani śledzonych linków.',
  not_tracked_do_not_track: 'Odbiorca lub jego domena jest na liście „nie śledź” ("do not track"), więc wiadomość nie zawiera piksela ani śledzonych linków.',
  not_tracked_other_recipient:
    'Innego odbiorcy tej wiadomości nie wolno śledzić, a każdy odbiorca dostaje tę samą wiadomość, więc nie zawiera ona piksela ani śledzonych linków.',
  not_tracked_no_recipients: 'Wiadomość nie ma odbiorcy, którego można by śledzić.',
  tracking_not_configured:
    'Zlecono śledzenie, ale na tym serwerze nie skonfigurowano kluczy śledzenia ani URL trackera, więc wiadomość wysłano bez śledzenia.',
  not_tracked_no_html:
    'Wiadomość nie ma treści HTML, a wiadomość w postaci zwykłego tekstu nie może zawierać piksela ani śledzonych linków, więc wysłano ją bez śledzenia.',
  clicks_need_paid_seat:
    'To konto śledzi kliknięcia tylko dla użytkowników z płatną licencją, a nadawca jej nie ma, więc śledzone są tylko otwarcia.',
};
