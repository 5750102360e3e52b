// Dutch sentences for a stored code this version has no sentence for (a newer version wrote it).
export const UNKNOWN_CODE_SENTENCES_NL = {
  reason: 'Geregistreerd met reden {code}.',
  statusReason: 'Ontkoppeld ({code}).',
} as const satisfies Record<'reason' | 'statusReason', string>;
