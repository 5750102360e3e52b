// Dutch sentences for packages/mail's status reasons (the disconnect reasons and `recovered`).
// `{address}` is the inbox's address, or "deze inbox" when none is known.
import type { StatusReason } from '@reply-sync/mail/disconnect-reasons';

export const STATUS_REASON_SENTENCES_NL: Readonly<Record<StatusReason, string>> = {
  password_rejected:
    'De mailserver heeft het wachtwoord voor {address} geweigerd; het is waarschijnlijk gewijzigd. Koppel de inbox opnieuw met het nieuwe wachtwoord.',
  server_unreachable:
    'De mailserver voor {address} is al een tijd niet bereikbaar (host niet gevonden, verbinding geweigerd of time-out); controleer de IMAP-host en -poort van de inbox. Kloppen die, dan is de server uit de lucht en wordt de synchronisatie vanzelf hervat zodra hij weer reageert.',
  tls_certificate_invalid:
    'De mailserver voor {address} toonde een certificaat dat niet te vertrouwen is (verlopen, zelfondertekend of uitgegeven voor een andere hostnaam), dus reply-sync stuurt er geen inloggegevens naartoe; koppel de inbox opnieuw met de hostnaam waarvoor het certificaat is uitgegeven, of vraag de mailprovider het certificaat te herstellen.',
  oauth_revoked:
    'De toegang tot {address} is ingetrokken of verlopen (de gebruiker heeft de toegang van de app verwijderd of de toestemming is verlopen); vraag de gebruiker de inbox opnieuw te koppelen en zich opnieuw aan te melden.',
  sessions_revoked:
    'Microsoft heeft de aanmelding van reply-sync voor {address} ingetrokken: de sessies van de gebruiker zijn ingetrokken, door een beheerder of door de gebruiker zelf (dit gebeurt ook nadat een wachtwoord opnieuw is ingesteld); vraag de gebruiker de inbox opnieuw te koppelen en zich opnieuw aan te melden.',
  consent_missing:
    'De verbinding voor {address} mist een machtiging die reply-sync nodig heeft (er is geen toegang tot IMAP of SMTP verleend, of de organisatie vereist dat een beheerder de app goedkeurt); vraag de gebruiker de inbox opnieuw te koppelen en alle machtigingen te accepteren, of diens beheerder om toestemming te verlenen.',
  imap_disabled:
    'IMAP-toegang staat uit voor {address}; vraag de gebruiker of diens mailbeheerder IMAP voor deze mailbox in te schakelen en koppel de inbox daarna opnieuw.',
  smtp_auth_disabled:
    'Office 365 weigerde {address} te laten verzenden: geverifieerde SMTP (SMTP AUTH) staat uit voor deze mailbox of voor de hele organisatie. Vraag een Microsoft 365-beheerder om Geverifieerde SMTP in te schakelen voor de mailbox (Microsoft 365-beheercentrum, tabblad E-mail van de gebruiker, E-mail-apps beheren) en te controleren dat het niet voor de hele organisatie is uitgeschakeld; koppel de inbox daarna opnieuw.',
  basic_auth_disabled:
    'De mailserver voor {address} accepteert geen wachtwoord meer (Microsoft 365 heeft basisverificatie uitgeschakeld); koppel de inbox opnieuw met `--provider office365`, zodat reply-sync zich in plaats daarvan via OAuth aanmeldt.',
  pop3_not_supported:
    'De instellingen voor {address} verwijzen naar een POP3-server, en reply-sync ondersteunt alleen IMAP; koppel de inbox opnieuw met de IMAP-server van de provider (meestal imap.<domein> op poort 993).',
  plaintext_not_allowed:
    'Met de instellingen voor {address} zou het wachtwoord onversleuteld (TLS-modus none) naar een server buiten deze machine gaan, en de inbox staat onversleuteld verkeer niet toe; koppel de inbox opnieuw met TLS-modus tls of starttls, of met --allow-plaintext als het netwerk naar die server vertrouwd is.',
  credentials_invalid:
    'De opgeslagen inloggegevens van {address} zijn onbruikbaar: ze zijn versleuteld voor een andere inbox (gekopieerd tussen rijen in de database) of beschadigd, dus reply-sync weigert ze; koppel de inbox opnieuw (voer het wachtwoord opnieuw in of meld u opnieuw aan).',
  recovered:
    'Het synchroniseren van {address} mislukte een tijdje door fouten die vanzelf overgaan (de mailserver of de aanmelding van de provider was niet bereikbaar; de laatste fout staat hieronder) en werkte daarna weer: de inbox is vanzelf weer gesynchroniseerd en heeft de achterstand ingehaald vanaf het punt waar hij was gestopt. U hoeft niets te doen; gebeurt dit vaker, controleer dan de server of het netwerk ernaartoe.',
};

/** What `{address}` reads when no address is known (English: "this inbox"). */
export const NO_ADDRESS_NL = 'deze inbox';
