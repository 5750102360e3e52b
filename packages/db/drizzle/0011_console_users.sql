-- The support console (issue 13): console users of an account (email, scrypt password hash, role support or
-- admin, language setting) and their sessions, stored as the SHA-256 of the random cookie value, with an expiry.
CREATE TABLE "console_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"language" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "console_users_role_ck" CHECK ("role" IN ('support', 'admin')),
	CONSTRAINT "console_users_language_ck" CHECK ("language" IS NULL OR "language" IN ('en', 'nl', 'pl')),
	CONSTRAINT "console_users_email_ck" CHECK ("email" = lower("email") AND "email" <> '')
);
--> statement-breakpoint
CREATE TABLE "console_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"console_user_id" uuid NOT NULL,
	"token_hash" bytea NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "console_sessions_token_hash_ck" CHECK (octet_length("token_hash") = 32)
);
--> statement-breakpoint
ALTER TABLE "console_users" ADD CONSTRAINT "console_users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_console_user_id_console_users_id_fk" FOREIGN KEY ("console_user_id") REFERENCES "public"."console_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "console_users_email_uq" ON "console_users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "console_users_account_idx" ON "console_users" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "console_sessions_token_hash_uq" ON "console_sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "console_sessions_expires_idx" ON "console_sessions" USING btree ("expires_at");
