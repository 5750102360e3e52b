-- Open and click tracking (issue 15, first slice): one row per distinct tracker request of a tracked
-- email's recipient, with its class (human, privacy proxy, image proxy, scanner), the reason and whether it
-- counts. Repeats of the same request (same email, recipient, link, address and agent within a minute)
-- collapse into one row through dedupe_key, counted in hits.
CREATE TABLE "tracking_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL CONSTRAINT "tracking_events_account_id_accounts_id_fk" REFERENCES "accounts"("id") ON DELETE cascade,
	"email_id" uuid NOT NULL CONSTRAINT "tracking_events_email_id_outgoing_emails_id_fk" REFERENCES "outgoing_emails"("id") ON DELETE cascade,
	"recipient" text NOT NULL,
	"kind" text NOT NULL,
	"target" text,
	"method" text NOT NULL,
	"event_class" text NOT NULL,
	"reason" text NOT NULL,
	"counted" boolean NOT NULL,
	"ip" text,
	"user_agent" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"hits" integer DEFAULT 1 NOT NULL,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracking_events_kind_ck" CHECK ("tracking_events"."kind" IN ('open', 'click')),
	CONSTRAINT "tracking_events_method_ck" CHECK ("tracking_events"."method" IN ('GET', 'HEAD')),
	CONSTRAINT "tracking_events_event_class_ck" CHECK ("tracking_events"."event_class" IN ('human', 'privacy_proxy', 'image_proxy', 'scanner')),
	CONSTRAINT "tracking_events_reason_ck" CHECK ("tracking_events"."reason" IN ('human', 'head_request', 'apple_mpp_egress_range', 'apple_mpp_prefetch_timing', 'google_image_proxy', 'google_image_proxy_repeat', 'links_clicked_within_a_second', 'click_before_open_at_delivery')),
	CONSTRAINT "tracking_events_target_ck" CHECK (("tracking_events"."kind" = 'click') = ("tracking_events"."target" IS NOT NULL)),
	CONSTRAINT "tracking_events_hits_ck" CHECK ("tracking_events"."hits" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_events_dedupe_key_uq" ON "tracking_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "tracking_events_email_recipient_idx" ON "tracking_events" USING btree ("email_id","recipient","occurred_at");--> statement-breakpoint
CREATE INDEX "tracking_events_account_idx" ON "tracking_events" USING btree ("account_id","occurred_at");
