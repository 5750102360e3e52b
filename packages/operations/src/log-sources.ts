// Where a logged email came from (what `email log --source` and the API's `source` accept). No imports:
// the CLI's option definitions, loaded for --help, read it.
export type LogSource = 'crm_send' | 'log' | 'bcc' | 'forward';
export const LOG_SOURCES: readonly LogSource[] = ['crm_send', 'log', 'bcc', 'forward'];
