// `email send`'s first half: the email saved in PostgreSQL (packages/operations save-outgoing), with the --attach files read here
// (on the operator's machine, bounded), in one transaction. The send job then names it by id only: the
// worker never reads a file or takes content from the queue.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_OUTGOING_ATTACHMENT_BYTES, type OutgoingAttachmentInput, type OutgoingEmail, type Scoped } from '@reply-sync/db';
import { saveOutgoing, type SaveOutgoingInput } from '@reply-sync/operations/save-outgoing';
import { parseRecipients, SendError } from '@reply-sync/sync-worker';
import { CliError } from '../cli-error';
import { MAX_ATTACHMENT_MB } from '../option-values';


export type SaveSendInput = Omit<SaveOutgoingInput, 'attachments'> & {
  /** Paths on the operator's machine. */
  attach: string[];
};

const tooLarge = () =>
  new CliError('attachments_too_large', `The attachments add up to more than ${MAX_ATTACHMENT_MB} MB, the most an email sent from the CRM carries; send large files as links.`);

/** At most `max + 1` bytes of the file: enough to tell that it is over the limit without reading it all. */
async function readAtMost(file: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(file, { start: 0, end: max })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The --attach files, each a regular file, together within the limit (checked before and while reading). */
export async function readAttachmentFiles(files: string[]): Promise<OutgoingAttachmentInput[]> {
  const out: OutgoingAttachmentInput[] = [];
  let total = 0;
  for (const file of files) {
    const info = await stat(file).catch((error: unknown) => {
      throw new CliError('file_unreadable', `Cannot read the attachment ${file} (${error instanceof Error ? error.message : String(error)}).`);
    });
    if (!info.isFile()) throw new CliError('file_unreadable', `The attachment ${file} is not a regular file (a folder, device or pipe); attach a file.`);
    if (total + info.size > MAX_OUTGOING_ATTACHMENT_BYTES) throw tooLarge();
    const content = await readAtMost(file, MAX_OUTGOING_ATTACHMENT_BYTES - total).catch((error: unknown) => {
      throw new CliError('file_unreadable', `Cannot read the attachment ${file} (${error instanceof Error ? error.message : String(error)}).`);
    });
    total += content.length;
    // A file that grew after stat (or a size stat does not report, like /proc's) is caught here.
    if (total > MAX_OUTGOING_ATTACHMENT_BYTES) throw tooLarge();
    out.push({ filename: basename(file), content });
  }
  return out;
}

/** The worker's recipient parser, its SendError as the CLI's error. */
function checkRecipients(recipients: { to: string[]; cc: string[] }): void {
  try {
    parseRecipients(recipients);
  } catch (error) {
    if (error instanceof SendError) throw new CliError(error.code, error.message);
    throw error;
  }
}

/** saveOutgoing with the --attach files, read only when the key is new. */
export async function saveSend(s: Scoped, input: SaveSendInput): Promise<{ created: boolean; email: OutgoingEmail }> {
  const { attach, ...rest } = input;
  return saveOutgoing(s, { ...rest, attachments: () => readAttachmentFiles(attach) }, checkRecipients);
}
