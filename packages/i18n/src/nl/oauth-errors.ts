// Dutch sentences for the OAuth errors that do not disconnect (packages/mail); `{detail}` is the provider's text.
import type { OAUTH_ERROR_SENTENCES } from '@reply-sync/mail/oauth-error';

export const OAUTH_ERROR_SENTENCES_NL: Readonly<Record<keyof typeof OAUTH_ERROR_SENTENCES, string>> = {
  transient: 'De aanmeldservice van de provider was niet bereikbaar of gaf voorlopig een fout ({detail}); het token wordt later opnieuw vernieuwd.',
  config: 'De provider heeft de OAuth-clientinstellingen geweigerd ({detail}); controleer de client-id, het clientgeheim en de endpoints in de configuratie.',
};
