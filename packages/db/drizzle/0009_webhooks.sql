-- Webhooks (issue 12 item 5): subscriptions, the transactional outbox, deliveries and their attempts.
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL CONSTRAINT "webhook_endpoints_account_id_accounts_id_fk" REFERENCES "accounts"("id") ON DELETE cascade,
	"url" text NOT NULL,
	"event_types" text[] NOT NULL,
	"secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_at" timestamp with time zone,
	"disabled_reason" text,
	"failing_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_endpoints_event_types_ck" CHECK (cardinality("webhook_endpoints"."event_types") > 0),
	CONSTRAINT "webhook_endpoints_disabled_ck" CHECK ("webhook_endpoints"."enabled" OR "webhook_endpoints"."disabled_reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX "webhook_endpoints_account_idx" ON "webhook_endpoints" USING btree ("account_id");--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL CONSTRAINT "webhook_events_account_id_accounts_id_fk" REFERENCES "accounts"("id") ON DELETE cascade,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"relayed_at" timestamp with time zone,
	CONSTRAINT "webhook_events_type_ck" CHECK ("webhook_events"."type" IN ('email.logged', 'email.sent', 'email.send_failed', 'inbox.connected', 'inbox.disconnected', 'inbox.reconnected'))
);
--> statement-breakpoint
CREATE INDEX "webhook_events_unrelayed_idx" ON "webhook_events" USING btree ("created_at") WHERE "webhook_events"."relayed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "webhook_events_account_idx" ON "webhook_events" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL CONSTRAINT "webhook_deliveries_account_id_accounts_id_fk" REFERENCES "accounts"("id") ON DELETE cascade,
	"event_id" text NOT NULL CONSTRAINT "webhook_deliveries_event_id_webhook_events_id_fk" REFERENCES "webhook_events"("id") ON DELETE cascade,
	"endpoint_id" uuid NOT NULL CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" REFERENCES "webhook_endpoints"("id") ON DELETE cascade,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_status_ck" CHECK ("webhook_deliveries"."status" IN ('pending', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_endpoint_uq" ON "webhook_deliveries" USING btree ("event_id","endpoint_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL CONSTRAINT "webhook_attempts_account_id_accounts_id_fk" REFERENCES "accounts"("id") ON DELETE cascade,
	"delivery_id" uuid NOT NULL CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" REFERENCES "webhook_deliveries"("id") ON DELETE cascade,
	"event_id" text NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"response_status" integer,
	"error_code" text,
	"error" text,
	"duration_ms" integer NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_attempts_status_ck" CHECK ("webhook_attempts"."status" IN ('succeeded', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "webhook_attempts_endpoint_idx" ON "webhook_attempts" USING btree ("account_id","endpoint_id","at");--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id");--> statement-breakpoint
-- Wakes the relays (LISTEN reply_sync_webhook_events) at commit. Per statement, only when it inserted
-- a row (recordEvent's INSERT ... SELECT writes none for an account without a subscriber), and
-- PostgreSQL folds equal notifications of one transaction into one.
CREATE OR REPLACE FUNCTION reply_sync_notify_webhook_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM inserted) THEN
    PERFORM pg_notify('reply_sync_webhook_events', '');
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER webhook_events_notify
AFTER INSERT ON webhook_events
REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION reply_sync_notify_webhook_events();
