-- Honest status (issue 10): when an inbox last synced, and a run of transient errors that ended is
-- history (a `recovered` row with its last error and its span), no longer the inbox's current error.
ALTER TABLE "inboxes" ADD COLUMN "last_synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbox_status_history" ADD COLUMN "first_error_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbox_status_history" ADD COLUMN "last_error_at" timestamp with time zone;--> statement-breakpoint
-- Runs that had already ended before this migration (first_error_at cleared, last_error kept: the
-- stale errors) move into the history the same way; when they ended was not recorded, so the row is
-- dated at their last error. last_synced_at starts null: a worker's session fills it within minutes.
INSERT INTO "inbox_status_history" ("account_id", "inbox_id", "status", "reason_code", "detail", "last_error_at", "at")
SELECT "account_id", "id", 'connected', 'recovered', "last_error", "last_error_at", coalesce("last_error_at", now())
FROM "inboxes" WHERE "last_error" IS NOT NULL AND "first_error_at" IS NULL;--> statement-breakpoint
UPDATE "inboxes" SET "last_error" = NULL, "last_error_at" = NULL WHERE "last_error" IS NOT NULL AND "first_error_at" IS NULL;
