// Polish sentences for the account's sender-verification policies (packages/threading).
import type { SenderVerificationPolicy } from '@reply-sync/threading';

export const SENDER_VERIFICATION_SENTENCES_PL: Readonly<Record<SenderVerificationPolicy, string>> = {
  flag: 'odpowiedzi od niezweryfikowanych nadawców są zapisywane i oznaczane jako niezweryfikowane',
  require: 'odpowiedzi od niezweryfikowanych nadawców nie są zapisywane (powód sender_unverified)',
};
