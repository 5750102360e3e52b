// A stable stand-in for a message that has no (parseable) Message-ID header.
//
// The exactly-once guard is the unique (account_id, message_id_norm) index, so a message without a
// Message-ID still needs a key that is the same every time this exact server message is examined:
// a retried job or a racing worker derive the same id and hit the same unique row. It is built from
// the inbox id, UIDVALIDITY and UID (the server's own identity of the message) and lives under a
// domain of its own so it can never collide with a real Message-ID. The cost: the same message copied
// into a second inbox gets a second id (we cannot know they are the same without a Message-ID).

export const SYNTHETIC_MESSAGE_ID_DOMAIN = 'no-message-id.reply-sync.invalid';

export function syntheticMessageId(inboxId: string, uidvalidity: number, uid: number): string {
  return `${inboxId}.${uidvalidity}.${uid}@${SYNTHETIC_MESSAGE_ID_DOMAIN}`;
}
