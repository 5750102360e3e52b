// The one error shape the CLI prints: a code scripts can switch on and a sentence a person can act on.
// Errors from our packages (db, mail, env parsers) are mapped onto it in one place, to-cli-error.ts.
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: string;
  /** Extra facts for support (a server's own words), printed after the sentence. */
  readonly detail: string | undefined;

  constructor(code: string, sentence: string, detail?: string) {
    super(sentence);
    this.code = code;
    this.detail = detail;
  }
}
