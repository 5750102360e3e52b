-- An inbox may use TLS mode `none` with a server that is not on loopback only when this is true
-- (`inbox connect --allow-plaintext`). Existing inboxes get false: a remote plaintext inbox is refused
-- (disconnected with `plaintext_not_allowed`) until it is reconnected with TLS or with the flag.
ALTER TABLE "inboxes" ADD COLUMN "allow_plaintext" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Disconnect reason `password_changed` (AADSTS50173) became `sessions_revoked`: Microsoft says the grant
-- was revoked, which a password reset is only one cause of.
UPDATE "inboxes" SET "disconnect_reason" = 'sessions_revoked' WHERE "disconnect_reason" = 'password_changed';--> statement-breakpoint
UPDATE "inbox_status_history" SET "reason_code" = 'sessions_revoked' WHERE "reason_code" = 'password_changed';
