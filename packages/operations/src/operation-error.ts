// The one error shape the CLI and the API report: a code scripts can switch on and a sentence a person can
// act on. Errors from our packages (db, mail, env parsers) are mapped onto it in one place,
// to-operation-error.ts. The CLI prints it; the API answers it as problem+json.
export class OperationError extends Error {
  override readonly name = 'OperationError';
  readonly code: string;
  /** Extra facts for support (a server's own words), printed after the sentence. */
  readonly detail: string | undefined;

  constructor(code: string, sentence: string, detail?: string) {
    super(sentence);
    this.code = code;
    this.detail = detail;
  }
}
