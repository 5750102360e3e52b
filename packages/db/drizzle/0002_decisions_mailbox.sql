DROP INDEX "decisions_inbox_uid_uq";--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "mailbox" text DEFAULT 'INBOX' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_inbox_mailbox_uid_uq" ON "decisions" USING btree ("inbox_id","mailbox","uidvalidity","uid");