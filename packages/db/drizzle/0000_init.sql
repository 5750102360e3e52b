CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"email_id" uuid NOT NULL,
	"filename" text,
	"content_type" text DEFAULT 'application/octet-stream' NOT NULL,
	"size" integer NOT NULL,
	"content_id" text,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"domain" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_companies" (
	"account_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	CONSTRAINT "contact_companies_contact_id_company_id_pk" PRIMARY KEY("contact_id","company_id")
);
--> statement-breakpoint
CREATE TABLE "contact_deals" (
	"account_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"deal_id" uuid NOT NULL,
	CONSTRAINT "contact_deals_contact_id_deal_id_pk" PRIMARY KEY("contact_id","deal_id")
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text,
	"owner_user_id" uuid,
	"legal_basis" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "deals_status_ck" CHECK ("deals"."status" IN ('open', 'closed'))
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"uidvalidity" bigint NOT NULL,
	"uid" bigint NOT NULL,
	"message_id" text,
	"message_id_norm" text,
	"decision" text NOT NULL,
	"reason_code" text NOT NULL,
	"detail" text,
	"from_address" text,
	"subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "decisions_decision_ck" CHECK ("decisions"."decision" IN ('logged', 'skipped'))
);
--> statement-breakpoint
CREATE TABLE "email_associations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"email_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid NOT NULL,
	CONSTRAINT "email_associations_kind_ck" CHECK ("email_associations"."kind" IN ('contact', 'company', 'deal'))
);
--> statement-breakpoint
CREATE TABLE "inbox_status_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"status" text NOT NULL,
	"reason_code" text,
	"detail" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inboxes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid,
	"kind" text NOT NULL,
	"provider" text DEFAULT 'imap' NOT NULL,
	"address" text NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"imap_host" text NOT NULL,
	"imap_port" integer NOT NULL,
	"imap_tls" text NOT NULL,
	"smtp_host" text,
	"smtp_port" integer,
	"smtp_tls" text,
	"username" text NOT NULL,
	"auth_kind" text DEFAULT 'password' NOT NULL,
	"credentials" text,
	"credentials_key_id" text,
	"credentials_version" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'connected' NOT NULL,
	"disconnect_reason" text,
	"disconnect_detail" text,
	"status_since" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"first_error_at" timestamp with time zone,
	"connected_since" timestamp with time zone DEFAULT now(),
	"uidvalidity" bigint,
	"last_uid" bigint,
	"highest_modseq" bigint,
	"sent_mailbox" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inboxes_kind_ck" CHECK ("inboxes"."kind" IN ('personal', 'team')),
	CONSTRAINT "inboxes_provider_ck" CHECK ("inboxes"."provider" IN ('imap', 'gmail', 'office365')),
	CONSTRAINT "inboxes_imap_tls_ck" CHECK ("inboxes"."imap_tls" IN ('tls', 'starttls', 'none')),
	CONSTRAINT "inboxes_smtp_tls_ck" CHECK ("inboxes"."smtp_tls" IN ('tls', 'starttls', 'none')),
	CONSTRAINT "inboxes_auth_kind_ck" CHECK ("inboxes"."auth_kind" IN ('password', 'oauth2')),
	CONSTRAINT "inboxes_status_ck" CHECK ("inboxes"."status" IN ('connected', 'disconnected', 'removed')),
	CONSTRAINT "inboxes_personal_owner_ck" CHECK ("inboxes"."kind" = 'team' OR "inboxes"."user_id" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "logged_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"source" text NOT NULL,
	"message_id" text NOT NULL,
	"message_id_norm" text NOT NULL,
	"thread_id" uuid NOT NULL,
	"thread_owner_user_id" uuid,
	"thread_inbox_id" uuid,
	"inbox_id" uuid,
	"from_address" text NOT NULL,
	"from_name" text,
	"to" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cc" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"sent_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"text_body" text,
	"html_body" text,
	"in_reply_to" text,
	"references_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"uid" bigint,
	"sent_copy_status" text,
	"attachments_skipped_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "logged_emails_direction_ck" CHECK ("logged_emails"."direction" IN ('inbound', 'outbound')),
	CONSTRAINT "logged_emails_source_ck" CHECK ("logged_emails"."source" IN ('crm_send', 'log', 'bcc', 'forward', 'reply_sync')),
	CONSTRAINT "logged_emails_sent_copy_status_ck" CHECK ("logged_emails"."sent_copy_status" IN ('appended', 'skipped_provider_files_sent', 'no_sent_folder', 'pending'))
);
--> statement-breakpoint
CREATE TABLE "never_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "never_log_kind_ck" CHECK ("never_log"."kind" IN ('address', 'domain')),
	CONSTRAINT "never_log_value_lower_ck" CHECK ("never_log"."value" = lower("never_log"."value"))
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_email_id_logged_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."logged_emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companies" ADD CONSTRAINT "companies_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_companies" ADD CONSTRAINT "contact_companies_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_companies" ADD CONSTRAINT "contact_companies_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_companies" ADD CONSTRAINT "contact_companies_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_deals" ADD CONSTRAINT "contact_deals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_deals" ADD CONSTRAINT "contact_deals_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_deals" ADD CONSTRAINT "contact_deals_deal_id_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_associations" ADD CONSTRAINT "email_associations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_associations" ADD CONSTRAINT "email_associations_email_id_logged_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."logged_emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_status_history" ADD CONSTRAINT "inbox_status_history_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_status_history" ADD CONSTRAINT "inbox_status_history_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inboxes" ADD CONSTRAINT "inboxes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inboxes" ADD CONSTRAINT "inboxes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD CONSTRAINT "logged_emails_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD CONSTRAINT "logged_emails_thread_owner_user_id_users_id_fk" FOREIGN KEY ("thread_owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD CONSTRAINT "logged_emails_thread_inbox_id_inboxes_id_fk" FOREIGN KEY ("thread_inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD CONSTRAINT "logged_emails_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "never_log" ADD CONSTRAINT "never_log_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_email_idx" ON "attachments" USING btree ("email_id");--> statement-breakpoint
CREATE INDEX "companies_account_name_idx" ON "companies" USING btree ("account_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_account_email_lower_uq" ON "contacts" USING btree ("account_id",lower("email"));--> statement-breakpoint
CREATE INDEX "deals_account_name_idx" ON "deals" USING btree ("account_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_inbox_uid_uq" ON "decisions" USING btree ("inbox_id","uidvalidity","uid");--> statement-breakpoint
CREATE INDEX "decisions_account_message_id_idx" ON "decisions" USING btree ("account_id","message_id_norm");--> statement-breakpoint
CREATE UNIQUE INDEX "email_associations_uq" ON "email_associations" USING btree ("email_id","kind","target_id");--> statement-breakpoint
CREATE INDEX "email_associations_target_idx" ON "email_associations" USING btree ("account_id","kind","target_id");--> statement-breakpoint
CREATE INDEX "inbox_status_history_inbox_idx" ON "inbox_status_history" USING btree ("inbox_id","at");--> statement-breakpoint
CREATE INDEX "inboxes_account_idx" ON "inboxes" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "inboxes_status_idx" ON "inboxes" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "logged_emails_account_message_id_uq" ON "logged_emails" USING btree ("account_id","message_id_norm");--> statement-breakpoint
CREATE INDEX "logged_emails_thread_idx" ON "logged_emails" USING btree ("account_id","thread_id");--> statement-breakpoint
CREATE UNIQUE INDEX "never_log_account_kind_value_uq" ON "never_log" USING btree ("account_id","kind","value");--> statement-breakpoint
CREATE UNIQUE INDEX "users_account_email_lower_uq" ON "users" USING btree ("account_id",lower("email"));