// The demo's cast and its four emails: the proposal the CRM logged, and three replies to it.
import { composeEmail } from '@reply-sync/testkit';

export const DEMO_CONTACT = { email: 'bob@acme.example', name: 'Bob Buyer', company: 'Acme Corp', deal: 'Acme: 200 seats' };
/** Bob writing from another of his addresses: a sub-address, which is not the contact. */
export const DEMO_ALIAS = 'bob+deals@acme.example';
export const DEMO_OTHER_CONTACT = { email: 'carol@globex.example', name: 'Carol Globex' };
/** The folder the third reply is filed in (a filter or the user moved it out of the INBOX). */
export const DEMO_SUBFOLDER = 'Acme';

export interface DemoMessage {
  messageId: string;
  raw: Buffer;
}

export async function proposalEmail(stamp: string, from: string): Promise<DemoMessage> {
  const messageId = `<proposal-${stamp}@mail.test>`;
  const raw = await composeEmail({
    from: `Ana Seller <${from}>`,
    to: `${DEMO_CONTACT.name} <${DEMO_CONTACT.email}>`,
    subject: 'Proposal for Acme: 200 seats',
    messageId,
    text: 'Hi Bob,\n\nattached is our proposal for 200 seats. Happy to walk you through it.\n\nAna',
  });
  return { messageId, raw };
}

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
