-- Tracked sends (issue 15): an outgoing email may ask for tracking (track), keeps the \Sent copy's bytes
-- without pixel or rewritten links (sent_copy_raw) and what each recipient got (tracking_plan). The law:
-- accounts.tracking_gdpr, contacts.tracking_basis, the do_not_track list; click tracking by paid seat
-- (accounts.click_tracking_seats_only, users.paid_seat). Anonymous tracking events have no recipient.
-- webhook_events may be email.opened and email.clicked.
CREATE TABLE "do_not_track" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "do_not_track_kind_ck" CHECK ("do_not_track"."kind" IN ('address', 'domain')),
	CONSTRAINT "do_not_track_value_lower_ck" CHECK ("do_not_track"."value" = lower("do_not_track"."value"))
);
--> statement-breakpoint
ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_type_ck";--> statement-breakpoint
ALTER TABLE "tracking_events" ALTER COLUMN "recipient" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "tracking_gdpr" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "click_tracking_seats_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "tracking_basis" text;--> statement-breakpoint
ALTER TABLE "outgoing_emails" ADD COLUMN "track" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "outgoing_emails" ADD COLUMN "sent_copy_raw" "bytea";--> statement-breakpoint
ALTER TABLE "outgoing_emails" ADD COLUMN "tracking_plan" jsonb;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "paid_seat" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "do_not_track" ADD CONSTRAINT "do_not_track_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "do_not_track_account_kind_value_uq" ON "do_not_track" USING btree ("account_id","kind","value");--> statement-breakpoint
CREATE INDEX "do_not_track_account_created_idx" ON "do_not_track" USING btree ("account_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_tracking_basis_ck" CHECK ("contacts"."tracking_basis" IN ('consent', 'legitimate_interest'));--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_type_ck" CHECK ("webhook_events"."type" IN ('email.logged', 'email.sent', 'email.send_failed', 'inbox.connected', 'inbox.disconnected', 'inbox.reconnected', 'email.opened', 'email.clicked'));