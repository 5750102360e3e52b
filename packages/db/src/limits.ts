// Limits the apps state to users before any query runs (`reply-sync email send --help` says it), so this
// module imports nothing: `@reply-sync/db/limits` costs no database code.

/** Attachments of one outgoing email, together: what a send may carry (SMTP servers refuse much more). */
export const MAX_OUTGOING_ATTACHMENT_BYTES = 10 * 1024 * 1024;
