import { describe, expect, it } from 'vitest';
import {
  DISCONNECT_REASONS,
  DISCONNECT_SENTENCES,
  HISTORY_REASONS,
  STATUS_REASON_SENTENCES,
  disconnectSentence,
  isDisconnectReason,
  isStatusReason,
  statusReasonSentence,
} from '../src/disconnect-reasons';

describe('disconnect reasons', () => {
  it('has exactly one sentence for every reason, and nothing else', () => {
    expect(Object.keys(DISCONNECT_SENTENCES).sort()).toEqual([...DISCONNECT_REASONS].sort());
    expect(DISCONNECT_REASONS).toHaveLength(12);
  });

  it.each(DISCONNECT_REASONS)('%s: names the inbox, says what to do, leaves no placeholder', (reason) => {
    const sentence = disconnectSentence(reason, { address: 'ana@example.com' });
    expect(sentence).toContain('ana@example.com');
    expect(sentence).not.toMatch(/\{address\}/);
    expect(sentence).toMatch(/^[A-Za-z].*\.$/);
    expect(sentence).toMatch(/reconnect|enable|check|ask/i);
  });

  it('says what to do about a rejected password', () => {
    expect(disconnectSentence('password_rejected', { address: 'ana@example.com' })).toBe(
      'The mail server rejected the password for ana@example.com; it was probably changed. Reconnect the inbox with the new password.',
    );
  });

  it('a revoked Microsoft grant (AADSTS50173) does not claim the password was changed', () => {
    const sentence = disconnectSentence('sessions_revoked', { address: 'ana@example.com' });
    expect(sentence).not.toMatch(/password (was|has been) (changed|reset)/i);
    expect(sentence).toMatch(/revoked/);
    expect(sentence).toMatch(/administrator or the user/);
    expect(isDisconnectReason('password_changed')).toBe(false);
  });

  it('recognises only the closed set of codes', () => {
    expect(isDisconnectReason('oauth_revoked')).toBe(true);
    expect(isDisconnectReason('disconnected')).toBe(false);
    expect(isDisconnectReason(undefined)).toBe(false);
  });

  it('the status history table adds only the history-only codes, which are never a disconnect reason', () => {
    expect(Object.keys(STATUS_REASON_SENTENCES).sort()).toEqual([...DISCONNECT_REASONS, ...HISTORY_REASONS].sort());
    expect(isStatusReason('recovered')).toBe(true);
    expect(isDisconnectReason('recovered')).toBe(false);
    expect(isStatusReason('toString')).toBe(false);
    const sentence = statusReasonSentence('recovered', { address: 'ana@example.com' });
    expect(sentence).toContain('ana@example.com');
    expect(sentence).toMatch(/synced again/);
    expect(statusReasonSentence('password_rejected', { address: 'ana@example.com' })).toBe(disconnectSentence('password_rejected', { address: 'ana@example.com' }));
  });
});
