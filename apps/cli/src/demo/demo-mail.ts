// The demo's cast and its four emails: the proposal the CRM sends, and three replies to it.
import { composeEmail } from '@reply-sync/testkit';

/** Bob's address is a fresh Dovecot mailbox per run (the stack's Postfix delivers only to its own domains). */
export const DEMO_CONTACT = { name: 'Bob Buyer', company: 'Acme Corp', deal: 'Acme: 200 seats' };
/** Bob writing from another of his addresses: a sub-address, which is not the contact. */
export function demoAlias(bobAddress: string): string {
  const at = bobAddress.lastIndexOf('@');
  return `${bobAddress.slice(0, at)}+deals${bobAddress.slice(at)}`;
}
export const DEMO_OTHER_CONTACT = { email: 'carol@globex.example', name: 'Carol Globex' };
/** The folder the third reply is filed in (a filter or the user moved it out of the INBOX). */
export const DEMO_SUBFOLDER = 'Acme';

export interface DemoMessage {
  messageId: string;
  raw: Buffer;
}

/** The outgoing email, sent by the CRM through the send queue (the worker gives it its Message-ID). */
export const PROPOSAL = {
  subject: 'Proposal for Acme: 200 seats',
  text: 'Hi Bob,\n\nattached is our proposal for 200 seats. Happy to walk you through it.\n\nAna',
};

/** Sent from Ana's own mail client with the account's BCC address in Bcc (logged by apps/inbound). */
export const BCC_NOTE = {
  subject: 'Notes from our call',
  text: 'Hi Bob,\n\nthanks for the call today. As agreed, the pilot starts on Monday with 20 seats.\n\nAna',
};

export async function replyEmail(
  stamp: string,
  n: number,
  to: string,
  original: string,
  from: string,
  text: string,
  attachment?: { filename: string; content: string; contentType: string },
): Promise<DemoMessage> {
  const messageId = `<reply-${n}-${stamp}@acme.example>`;
  const raw = await composeEmail({
    from: `${DEMO_CONTACT.name} <${from}>`,
    to,
    subject: 'Re: Proposal for Acme: 200 seats',
    messageId,
    inReplyTo: original,
    references: original,
    text,
    ...(attachment ? { attachments: [attachment] } : {}),
  });
  return { messageId, raw };
}
