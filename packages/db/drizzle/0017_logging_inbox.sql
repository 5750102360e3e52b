-- The catch-all logging mailbox (issue 14): an inbox marked as the account's logging inbox and the folders
-- the fleet reads there (logging_folder_checkpoints: how far, per folder); the messages it reads are spooled
-- in inbound_messages with their (inbox, folder, uidvalidity, uid), unique, so each is processed once.
CREATE TABLE "logging_folder_checkpoints" (
	"inbox_id" uuid NOT NULL,
	"folder" text NOT NULL,
	"uidvalidity" bigint NOT NULL,
	"last_uid" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "logging_folder_checkpoints_inbox_id_folder_pk" PRIMARY KEY("inbox_id","folder")
);
--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "inbox_id" uuid;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "folder" text;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "uidvalidity" bigint;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "uid" bigint;--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "logging" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "logging_folders" text[] DEFAULT '{INBOX}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "logging_folder_checkpoints" ADD CONSTRAINT "logging_folder_checkpoints_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_messages_mailbox_uid_uq" ON "inbound_messages" USING btree ("inbox_id","folder","uidvalidity","uid") WHERE "inbound_messages"."inbox_id" IS NOT NULL;