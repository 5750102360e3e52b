// The error shape the CLI prints (a code and a sentence) is the operations' own, shared with the API.
export { OperationError as CliError } from '@reply-sync/operations/operation-error';
