import { describe, expect, it } from 'vitest';
import { decide } from '../src/index';
import { context, inbox, replyFacts } from './builders';

const reason = (arrivedAt: string, connectedSince: string | null) =>
  decide(
    replyFacts({ arrivedAt: new Date(arrivedAt) }),
    context({ inbox: inbox({ connectedSince: connectedSince === null ? null : new Date(connectedSince) }) }),
  ).reason;

describe('rule 6, inbox_disconnected: replies that arrived while the inbox was not connected', () => {
  it('skips a reply that arrived before the connected period began', () => {
    expect(reason('2025-06-01T09:59:59Z', '2025-06-01T10:00:00Z')).toBe('inbox_disconnected');
  });

  it('logs a reply that arrived after it began', () => {
    expect(reason('2025-06-01T10:00:01Z', '2025-06-01T10:00:00Z')).toBe('logged');
  });

  it('compares whole seconds: INTERNALDATE 10:00:00 is not before a connection at 10:00:00.700', () => {
    expect(reason('2025-06-01T10:00:00Z', '2025-06-01T10:00:00.700Z')).toBe('logged');
    expect(reason('2025-06-01T09:59:59Z', '2025-06-01T10:00:00.700Z')).toBe('inbox_disconnected');
  });

  it('skips everything while the inbox has no connected period', () => {
    expect(reason('2025-06-01T10:00:00Z', null)).toBe('inbox_disconnected');
  });

  it('does not throw on an unknown arrival time and does not log it', () => {
    expect(reason('not a date', '2025-06-01T10:00:00Z')).toBe('inbox_disconnected');
  });
});
