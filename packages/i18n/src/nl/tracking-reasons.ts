// Dutch sentences for why a tracked open or click is a person's or a machine's (packages/tracking).
import type { EventReason } from '@reply-sync/tracking';

export const EVENT_REASON_SENTENCES_NL: Readonly<Record<EventReason, string>> = {
  human: 'Geopend of aangeklikt door een persoon, voor zover we kunnen zien.',
  head_request: 'Een HEAD-verzoek: linkscanners controleren links zo, mensen nooit.',
  known_scanner_range: 'Vanaf de adressen van een e-mailbeveiligingsgateway (zoals Microsoft Defender of Proofpoint): die laadt afbeeldingen en volgt links om de e-mail te controleren, of iemand hem nu leest of niet.',
  apple_mpp_egress_range: 'Opgehaald vanaf de adressen van Apples Mail Privacy Protection: Apple laadt afbeeldingen voor de ontvanger, of die de e-mail nu leest of niet.',
  apple_mpp_prefetch_timing: 'De proxy van Apple Mail haalde de afbeelding enkele seconden na verzending op: een privacy-prefetch, geen lezing.',
  google_image_proxy: 'Via de afbeeldingsproxy van Gmail: telt als geopend (Gmail haalt afbeeldingen op wanneer de ontvanger de e-mail opent).',
  google_image_proxy_repeat: 'De afbeeldingsproxy van Gmail haalde de afbeelding opnieuw op: niet nog eens geteld.',
  links_clicked_within_a_second: 'Minder dan een seconde eerder werd een andere link van dezelfde e-mail aangeklikt: een scanner die elke link volgt.',
  click_before_open_at_delivery: 'Een link werd enkele seconden na verzending aangeklikt, voordat de e-mail was geopend: een beveiligingsscanner die de e-mail bij aflevering controleert.',
};
