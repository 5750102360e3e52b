// The one error shape the CLI and the API report: a code scripts can switch on, a sentence a person can
// act on and, where there is one, the next step (packages/db next-step.ts), which each app words its own
// way: `message` has it as the CLI's command, sentenceFor('api') as the API's route. Errors from our
// packages (db, mail, env parsers) are mapped onto it in one place, to-operation-error.ts. The CLI prints
// it; the API answers it as problem+json.
import { withNextStep, type Audience, type NextStep } from '@reply-sync/db/next-step';

export class OperationError extends Error {
  override readonly name = 'OperationError';
  readonly code: string;
  /** Extra facts for support (a server's own words), printed after the sentence. */
  readonly detail: string | undefined;
  /** The sentence without the next step. */
  readonly sentence: string;
  readonly nextStep: NextStep | undefined;

  constructor(code: string, sentence: string, detail?: string, nextStep?: NextStep) {
    super(withNextStep(sentence, nextStep, 'cli'));
    this.code = code;
    this.detail = detail;
    this.sentence = sentence;
    this.nextStep = nextStep;
  }

  /** The sentence with the next step in the words of the CLI or the API. */
  sentenceFor(audience: Audience): string {
    return withNextStep(this.sentence, this.nextStep, audience);
  }
}
