// Whether a session may go on syncing its inbox: what the inbox row says now (the watchdog's re-read,
// and the decision after a change was heard), and the session's subscription to the worker's
// InboxChangeListener, whose signal aborts as soon as the inbox is disconnected, removed or deleted,
// or gets new credentials. A session ends within a second of that instead of at its watchdog tick.
import type { CrmStore, InboxRecord } from './crm-store';
import type { InboxChange, InboxChangeListener } from './inbox-change-listener';

export type InboxEnd = 'inbox_not_connected' | 'credentials_changed';

/** Re-reads the inbox row: why this session must end, or null when it may go on. */
export async function inboxEnd(store: CrmStore, inbox: Pick<InboxRecord, 'credentialsVersion'>): Promise<InboxEnd | null> {
  const row = await store.readInbox();
  if (!row || row.status !== 'connected') return 'inbox_not_connected';
  if (row.credentialsVersion !== inbox.credentialsVersion) return 'credentials_changed';
  return null;
}

export interface InboxWatch {
  /** Aborted once a change that ends the session was heard (the session then re-reads its row). */
  readonly changed: AbortSignal;
  /** Aborted on that, or when the worker stops: what the session's loops and sleeps wait on. */
  readonly signal: AbortSignal;
  /** The credentials version the session logs in with; a `connected` change with another one ends it. */
  loaded(credentialsVersion: number): void;
  stop(): void;
}

/**
 * Watches `inboxId` until stop(). Without a listener only `stop` aborts (the watchdog alone notices
 * a change). One controller forwarded by hand rather than AbortSignal.any, so that nothing of a
 * finished session stays attached to the worker's long-lived stop signal.
 */
export function watchInbox(listener: Pick<InboxChangeListener, 'watch'> | undefined, inboxId: string, stop: AbortSignal): InboxWatch {
  const changed = new AbortController();
  const either = new AbortController();
  let version: number | null = null;
  const onChange = (change: InboxChange) => {
    // A connected row with the version we hold (or before we loaded one: the load reads it) changes nothing.
    if (change.status === 'connected' && (version === null || change.credentialsVersion === version)) return;
    changed.abort();
    either.abort();
  };
  const onStop = () => either.abort();
  if (stop.aborted) either.abort();
  else stop.addEventListener('abort', onStop, { once: true });
  const unwatch = listener?.watch(inboxId, onChange);
  return {
    changed: changed.signal,
    signal: either.signal,
    loaded(credentialsVersion) {
      version = credentialsVersion;
    },
    stop() {
      unwatch?.();
      stop.removeEventListener('abort', onStop);
    },
  };
}
