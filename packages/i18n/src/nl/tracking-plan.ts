// Dutch sentences for packages/tracking's tracking-plan reasons (who a tracked send tracks, and how).
import type { TrackingPlanReason } from '@reply-sync/tracking';

export const TRACKING_PLAN_SENTENCES_NL: Readonly<Record<TrackingPlanReason, string>> = {
  tracked_personal: 'Openingen en klikken worden voor deze ontvanger op naam gevolgd.',
  anonymous_several_recipients:
    'De e-mail gaat naar meerdere ontvangers en bevat één pixel voor hen allemaal, dus openingen en klikken worden anoniem geteld.',
  anonymous_not_a_contact: 'De ontvanger is geen contactpersoon, dus openingen en klikken worden anoniem geteld, zonder het adres.',
  anonymous_no_tracking_basis:
    'Voor dit account gelden de AVG-regels (GDPR) en voor de contactpersoon is geen rechtsgrond voor het volgen vastgelegd, dus openingen en klikken worden anoniem geteld.',
  not_tracked_not_requested: 'Voor deze e-mail is niet om volgen gevraagd.',
  not_tracked_never_log: 'De ontvanger staat op de nooit-loggen-lijst, dus de e-mail bevat geen pixel en geen gevolgde links.',
  not_tracked_do_not_track: 'De ontvanger of diens domein staat op de niet-volgen-lijst ("do not track"), dus de e-mail bevat geen pixel en geen gevolgde links.',
  not_tracked_other_recipient:
    'Een andere ontvanger van deze e-mail mag niet gevolgd worden en iedere ontvanger krijgt hetzelfde bericht, dus de e-mail bevat geen pixel en geen gevolgde links.',
  not_tracked_no_recipients: 'De e-mail heeft geen ontvanger om te volgen.',
  tracking_not_configured:
    'Er is om volgen gevraagd, maar op deze server zijn geen volgsleutels of tracker-URL ingesteld, dus de e-mail is zonder volgen verzonden.',
  not_tracked_no_html:
    'De e-mail heeft geen HTML-inhoud en een e-mail met alleen platte tekst kan geen pixel of gevolgde links bevatten, dus hij is zonder volgen verzonden.',
  clicks_need_paid_seat:
    'Dit account volgt klikken alleen voor gebruikers met een betaalde licentie en de afzender heeft er geen, dus alleen openingen worden gevolgd.',
};
