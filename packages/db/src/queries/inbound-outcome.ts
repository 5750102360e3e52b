// What deciding one inbound message comes to (shared by the one-message queries and the batch's).
import type { DecisionOutcome } from '../schema';

/** Each contact's open deals associated with a logged BCC email, most recent first (issue 14). */
export const BCC_DEALS_PER_CONTACT = 5;

export interface InboundOutcome {
  decision: DecisionOutcome;
  reasonCode: string;
  detail: string | null;
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  emailId: string | null;
}
