-- The timeline's tracking summary (packages/db queries/activity.ts) finds a logged email's send by email_id.
CREATE INDEX "outgoing_emails_email_idx" ON "outgoing_emails" USING btree ("email_id") WHERE "outgoing_emails"."email_id" IS NOT NULL;
