// The body a receiver gets: Standard Webhooks' { type, timestamp, data }, the event id in data, and for
// inbox.disconnected the support sentence of its code (from packages/mail's one table) beside the
// provider's own text.
import { DISCONNECT_SENTENCES } from '@reply-sync/mail/disconnect-reasons';
import { describe, expect, it } from 'vitest';
import { webhookBody } from '../src/index';

describe('webhook body', () => {
  it('an inbox.disconnected carries the code, its sentence for the address, and the provider text', () => {
    const body = JSON.parse(
      webhookBody({
        id: 'evt_abc',
        type: 'inbox.disconnected',
        createdAt: new Date('2026-12-02T01:00:00Z'),
        payload: { inboxId: 'i-1', address: 'ana@mail.test', code: 'password_rejected', providerText: 'AUTHENTICATIONFAILED' },
      }),
    );
    expect(body).toEqual({
      type: 'inbox.disconnected',
      timestamp: '2026-12-02T01:00:00.000Z',
      data: {
        eventId: 'evt_abc',
        inboxId: 'i-1',
        address: 'ana@mail.test',
        code: 'password_rejected',
        providerText: 'AUTHENTICATIONFAILED',
        sentence: DISCONNECT_SENTENCES.password_rejected.replaceAll('{address}', 'ana@mail.test'),
      },
    });
  });

  it('other events carry their payload as it was recorded', () => {
    const body = JSON.parse(webhookBody({ id: 'evt_x', type: 'email.sent', createdAt: new Date(0), payload: { outgoingEmailId: 'o', sendId: 's' } }));
    expect(body.data).toEqual({ eventId: 'evt_x', outgoingEmailId: 'o', sendId: 's' });
  });
});
