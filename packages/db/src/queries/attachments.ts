// The attachments of one logged email: their list (no content) and one attachment's bytes, for the API's
// email and attachment routes.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../client';
import type { AccountScope } from '../account-scope';
import { attachments, type Attachment } from '../schema';

export type AttachmentInfo = Omit<Attachment, 'content' | 'accountId'>;

export function attachmentQueries(db: Db, scope: AccountScope) {
  return {
    async listFor(emailId: string): Promise<AttachmentInfo[]> {
      return db
        .select({ id: attachments.id, emailId: attachments.emailId, filename: attachments.filename, contentType: attachments.contentType, size: attachments.size, contentId: attachments.contentId, createdAt: attachments.createdAt })
        .from(attachments)
        .where(scope.where(attachments, eq(attachments.emailId, emailId)))
        .orderBy(attachments.createdAt, attachments.id);
    },
    /** One attachment with its content, only as an attachment of that email. */
    async get(emailId: string, attachmentId: string): Promise<Attachment | null> {
      const [row] = await db.select().from(attachments).where(scope.where(attachments, and(eq(attachments.emailId, emailId), eq(attachments.id, attachmentId))));
      return row ?? null;
    },
  };
}
