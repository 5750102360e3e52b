// Polish sentences for a stored code this version has no sentence for (a newer version wrote it).
export const UNKNOWN_CODE_SENTENCES_PL = {
  reason: 'Odnotowano z powodem {code}.',
  statusReason: 'Skrzynka odłączona ({code}).',
} as const satisfies Record<'reason' | 'statusReason', string>;
