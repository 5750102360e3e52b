// Any thrown value as a CliError: the operations package's one mapping, shared with the API.
export { toOperationError as toCliError } from '@reply-sync/operations/to-operation-error';
