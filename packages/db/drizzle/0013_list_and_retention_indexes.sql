-- Every list of the HTTP API pages in SQL, newest first by (created_at, id) (packages/db/src/queries/keyset.ts):
-- one index per list so a page is an index range scan at any depth, and the reverse look-ups of contact
-- links (a company's or a deal's contacts), which the primary keys (contact first) do not serve; and the two
-- time indexes webhook retention deletes by (packages/db/src/webhook-retention.ts).
CREATE INDEX IF NOT EXISTS "users_account_created_idx" ON "users" ("account_id", "created_at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "inboxes_account_created_idx" ON "inboxes" ("account_id", "created_at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "companies_account_created_idx" ON "companies" ("account_id", "created_at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_account_created_idx" ON "contacts" ("account_id", "created_at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deals_account_created_idx" ON "deals" ("account_id", "created_at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "never_log_account_created_idx" ON "never_log" ("account_id", "created_at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "webhook_endpoints_account_created_idx" ON "webhook_endpoints" ("account_id", "created_at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "webhook_attempts_endpoint_at_id_idx" ON "webhook_attempts" ("account_id", "endpoint_id", "at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contact_companies_company_idx" ON "contact_companies" ("company_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contact_deals_deal_idx" ON "contact_deals" ("deal_id");
--> statement-breakpoint
-- Webhook retention (webhook-retention.ts): the old finished events and old attempts, found by time.
CREATE INDEX IF NOT EXISTS "webhook_events_relayed_created_idx" ON "webhook_events" ("created_at") WHERE "relayed_at" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "webhook_attempts_at_idx" ON "webhook_attempts" ("at");
