// Polish sentences for what an API key's scope allows (packages/db).
import type { ApiKeyScope } from '@reply-sync/db/api-key-scopes';

export const API_KEY_SCOPE_SENTENCES_PL: Readonly<Record<ApiKeyScope, string>> = {
  read: 'odczyt wszystkich danych konta: skrzynek, kontaktów, firm, transakcji, osi czasu oraz e-maili wraz z treścią i załącznikami',
  write: 'tworzenie i zmiany: podłączanie, ponowne podłączanie i usuwanie skrzynek, dodawanie kontaktów, wysyłanie i zapisywanie e-maili',
  support: 'stan i historia skrzynek, decyzje i wyjaśnienia: dlaczego odpowiedź została lub nie została zapisana; nigdy treść ani załącznik e-maila',
};
