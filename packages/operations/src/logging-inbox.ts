// The catch-all logging mailbox (issue 14): mark a connected inbox as the account's logging inbox with
// the folders the fleet reads there, or unmark it. The worker hands every new message of those folders
// to apps/inbound's pipeline (BCC or forward); the inbox's own replies are then not synced.
import type { Scoped } from '@reply-sync/db';
import { requireInbox } from './inbox-status';
import { OperationError } from './operation-error';

/** More folders than this is a typo or a script gone wrong: each one is an EXAMINE every poll. */
export const MAX_LOGGING_FOLDERS = 20;
const MAX_FOLDER_LENGTH = 200;

export interface LoggingInbox {
  id: string;
  address: string;
  logging: boolean;
  folders: string[];
}

/** Folder names as given (`INBOX,Archive`), trimmed and de-duplicated; a hostile one is refused with what to give. */
export function parseLoggingFolders(values: readonly string[]): string[] {
  const folders: string[] = [];
  for (const value of values.flatMap((v) => v.split(','))) {
    const name = value.trim();
    if (name === '') continue;
    // eslint-disable-next-line no-control-regex
    if (name.length > MAX_FOLDER_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
      throw new OperationError(
        'invalid_logging_folder',
        `"${name.slice(0, 40)}" is not a folder name: give the IMAP path of each folder (e.g. INBOX or Archive), at most ${MAX_FOLDER_LENGTH} characters, without control characters.`,
      );
    }
    const key = name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
    if (!folders.includes(key)) folders.push(key);
  }
  if (folders.length === 0) {
    throw new OperationError('invalid_logging_folder', 'Give at least one folder to read, e.g. --folders INBOX,Archive.');
  }
  if (folders.length > MAX_LOGGING_FOLDERS) {
    throw new OperationError('too_many_logging_folders', `Give at most ${MAX_LOGGING_FOLDERS} folders; ${folders.length} were given.`);
  }
  return folders;
}

/** Marks the inbox as the logging inbox reading `folders` (unmarking any other), or unmarks it (null). */
export async function setLoggingInbox(s: Scoped, inboxId: string, folders: string[] | null): Promise<LoggingInbox> {
  await requireInbox(s, inboxId);
  const row = await s.inboxes.setLogging(inboxId, folders);
  return { id: row.id, address: row.address, logging: row.logging, folders: row.logging ? row.loggingFolders : [] };
}
