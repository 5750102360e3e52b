-- Consent records (issue 15): when a contact's tracking basis was given and where and how (the form, the
-- email, the call), so consent can be shown when asked. A basis set before this migration has no record and
-- is shown so; no basis, no record.
ALTER TABLE "contacts" ADD COLUMN "tracking_basis_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "tracking_basis_source" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_tracking_basis_record_ck" CHECK ("contacts"."tracking_basis" IS NOT NULL OR ("contacts"."tracking_basis_at" IS NULL AND "contacts"."tracking_basis_source" IS NULL));