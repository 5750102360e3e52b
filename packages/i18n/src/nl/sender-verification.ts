// Dutch sentences for the account's sender-verification policies (packages/threading).
import type { SenderVerificationPolicy } from '@reply-sync/threading';

export const SENDER_VERIFICATION_SENTENCES_NL: Readonly<Record<SenderVerificationPolicy, string>> = {
  flag: 'antwoorden waarvan de afzender niet is geverifieerd, worden gelogd en als niet geverifieerd getoond',
  require: 'antwoorden waarvan de afzender niet is geverifieerd, worden niet gelogd (reden sender_unverified)',
};
