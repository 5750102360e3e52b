CREATE TABLE "outgoing_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"outgoing_email_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"filename" text NOT NULL,
	"content_type" text,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outgoing_attachments_position_ck" CHECK ("outgoing_attachments"."position" >= 0),
	CONSTRAINT "outgoing_attachments_filename_ck" CHECK ("outgoing_attachments"."filename" <> ''),
	CONSTRAINT "outgoing_attachments_size_ck" CHECK ("outgoing_attachments"."size" = octet_length("outgoing_attachments"."content"))
);
--> statement-breakpoint
CREATE TABLE "outgoing_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"user_id" uuid,
	"send_id" text NOT NULL,
	"to_recipients" text[] NOT NULL,
	"cc_recipients" text[] DEFAULT '{}'::text[] NOT NULL,
	"subject" text NOT NULL,
	"text_body" text,
	"html_body" text,
	"contact_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"company_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"deal_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"message_id" text,
	"raw" "bytea",
	"message_date" timestamp with time zone,
	"smtp_started_at" timestamp with time zone,
	"email_id" uuid,
	"rejected" text[] DEFAULT '{}'::text[] NOT NULL,
	"sent_at" timestamp with time zone,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outgoing_emails_status_ck" CHECK ("outgoing_emails"."status" IN ('pending', 'sent', 'failed')),
	CONSTRAINT "outgoing_emails_send_id_ck" CHECK ("outgoing_emails"."send_id" ~ '^[A-Za-z0-9._-]{1,128}$'),
	CONSTRAINT "outgoing_emails_to_ck" CHECK (cardinality("outgoing_emails"."to_recipients") > 0),
	CONSTRAINT "outgoing_emails_body_ck" CHECK ("outgoing_emails"."text_body" IS NOT NULL OR "outgoing_emails"."html_body" IS NOT NULL),
	CONSTRAINT "outgoing_emails_built_ck" CHECK (("outgoing_emails"."raw" IS NULL) = ("outgoing_emails"."message_id" IS NULL) AND ("outgoing_emails"."raw" IS NULL) = ("outgoing_emails"."message_date" IS NULL)),
	CONSTRAINT "outgoing_emails_smtp_after_build_ck" CHECK ("outgoing_emails"."smtp_started_at" IS NULL OR "outgoing_emails"."raw" IS NOT NULL),
	CONSTRAINT "outgoing_emails_sent_ck" CHECK ("outgoing_emails"."status" <> 'sent' OR "outgoing_emails"."sent_at" IS NOT NULL),
	CONSTRAINT "outgoing_emails_failure_ck" CHECK (("outgoing_emails"."status" = 'failed') = ("outgoing_emails"."failure" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "outgoing_attachments" ADD CONSTRAINT "outgoing_attachments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outgoing_attachments" ADD CONSTRAINT "outgoing_attachments_outgoing_email_id_outgoing_emails_id_fk" FOREIGN KEY ("outgoing_email_id") REFERENCES "public"."outgoing_emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outgoing_emails" ADD CONSTRAINT "outgoing_emails_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outgoing_emails" ADD CONSTRAINT "outgoing_emails_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outgoing_emails" ADD CONSTRAINT "outgoing_emails_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outgoing_emails" ADD CONSTRAINT "outgoing_emails_email_id_logged_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."logged_emails"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outgoing_attachments_email_position_uq" ON "outgoing_attachments" USING btree ("outgoing_email_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "outgoing_emails_account_send_id_uq" ON "outgoing_emails" USING btree ("account_id","send_id");
