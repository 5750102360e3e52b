-- Inbound mail (issue 14, first slice): each account's logging addresses (bcc-<token>@, fwd-<token>@ the
-- inbound domain; rotating retires the old token), the spool of received messages with the decision each
-- got, and the contacts' marketing flag (contacts made from a BCC'd email are non-marketing).
ALTER TABLE "contacts" ADD COLUMN "marketing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE TABLE "inbound_addresses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL CONSTRAINT "inbound_addresses_account_id_accounts_id_fk" REFERENCES "accounts"("id") ON DELETE cascade,
	"kind" text NOT NULL,
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "inbound_addresses_kind_ck" CHECK ("inbound_addresses"."kind" IN ('bcc', 'fwd')),
	CONSTRAINT "inbound_addresses_token_ck" CHECK ("inbound_addresses"."token" ~ '^[a-z2-7]{26}$')
);
--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_addresses_token_uq" ON "inbound_addresses" USING btree ("token");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_addresses_active_uq" ON "inbound_addresses" USING btree ("account_id","kind") WHERE "inbound_addresses"."retired_at" IS NULL;--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL CONSTRAINT "inbound_messages_account_id_accounts_id_fk" REFERENCES "accounts"("id") ON DELETE cascade,
	"address_kind" text NOT NULL,
	"envelope_from" text,
	"envelope_to" text[] NOT NULL,
	"client_ip" text,
	"helo" text,
	"raw" bytea,
	"size" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'spooled' NOT NULL,
	"message_id" text,
	"message_id_norm" text,
	"from_address" text,
	"subject" text,
	"decision" text,
	"reason_code" text,
	"detail" text,
	"email_id" uuid CONSTRAINT "inbound_messages_email_id_logged_emails_id_fk" REFERENCES "logged_emails"("id") ON DELETE set null,
	"processed_at" timestamp with time zone,
	CONSTRAINT "inbound_messages_address_kind_ck" CHECK ("inbound_messages"."address_kind" IN ('bcc', 'fwd')),
	CONSTRAINT "inbound_messages_status_ck" CHECK ("inbound_messages"."status" IN ('spooled', 'processed')),
	CONSTRAINT "inbound_messages_decision_ck" CHECK ("inbound_messages"."decision" IN ('logged', 'skipped')),
	CONSTRAINT "inbound_messages_processed_ck" CHECK (("inbound_messages"."status" = 'processed') = ("inbound_messages"."reason_code" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX "inbound_messages_account_message_id_idx" ON "inbound_messages" USING btree ("account_id","message_id_norm");--> statement-breakpoint
CREATE INDEX "inbound_messages_spooled_idx" ON "inbound_messages" USING btree ("received_at") WHERE "inbound_messages"."status" = 'spooled';
