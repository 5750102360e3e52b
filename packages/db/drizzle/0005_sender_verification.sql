ALTER TABLE "accounts" ADD COLUMN "sender_verification" text DEFAULT 'flag' NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_sender_verification_ck" CHECK ("accounts"."sender_verification" IN ('flag', 'require'));--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "trusted_authserv_ids" text[];--> statement-breakpoint
ALTER TABLE "logged_emails" ADD COLUMN "auth_verified" boolean;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD COLUMN "auth_dmarc" text;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD COLUMN "auth_dkim" text;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD COLUMN "auth_dkim_aligned" boolean;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD COLUMN "auth_spf" text;--> statement-breakpoint
ALTER TABLE "logged_emails" ADD COLUMN "auth_detail" text;
