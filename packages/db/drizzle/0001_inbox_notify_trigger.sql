-- Tells the scheduler (LISTEN reply_sync_inboxes) that an inbox appeared, changed status, got new
-- credentials or was deleted, so it can add or drop the inbox's job within seconds instead of
-- waiting for its reconcile loop. Payload: {"op","inboxId","accountId","status","credentialsVersion"}.
CREATE OR REPLACE FUNCTION reply_sync_notify_inbox() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r inboxes%ROWTYPE;
BEGIN
  IF TG_OP = 'DELETE' THEN
    r := OLD;
  ELSE
    r := NEW;
  END IF;
  PERFORM pg_notify(
    'reply_sync_inboxes',
    json_build_object(
      'op', lower(TG_OP),
      'inboxId', r.id,
      'accountId', r.account_id,
      'status', CASE WHEN TG_OP = 'DELETE' THEN 'deleted' ELSE r.status END,
      'credentialsVersion', r.credentials_version
    )::text
  );
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS inboxes_notify ON inboxes;
--> statement-breakpoint
CREATE TRIGGER inboxes_notify
AFTER INSERT OR UPDATE OF status, credentials_version OR DELETE ON inboxes
FOR EACH ROW EXECUTE FUNCTION reply_sync_notify_inbox();
