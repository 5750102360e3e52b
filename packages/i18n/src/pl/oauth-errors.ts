// Polish sentences for the OAuth errors that do not disconnect (packages/mail); `{detail}` is the provider's text.
import type { OAUTH_ERROR_SENTENCES } from '@reply-sync/mail/oauth-error';

export const OAUTH_ERROR_SENTENCES_PL: Readonly<Record<keyof typeof OAUTH_ERROR_SENTENCES, string>> = {
  transient: 'Usługa logowania dostawcy jest chwilowo nieosiągalna lub zwróciła błąd ({detail}); token zostanie odświeżony później.',
  config: 'Dostawca odrzucił ustawienia klienta OAuth ({detail}); sprawdź identyfikator klienta, klucz tajny i adresy punktów końcowych w konfiguracji.',
};
