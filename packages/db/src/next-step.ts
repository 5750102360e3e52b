// What a user can do about an error, as a step rather than a command: an error carries its sentence and
// its next step, and each app words the step its own way: the CLI names a `reply-sync …` command, the
// HTTP API a route. Both wordings live here, side by side, so a new step cannot get one and miss the other.
// (In this package because its errors carry steps too; packages/operations passes them on.)

export type NextStep =
  | { step: 'add_user'; email: string }
  | { step: 'add_contact'; email: string }
  | { step: 'add_company'; name: string }
  | { step: 'add_deal'; name: string }
  | { step: 'list_inboxes' }
  | { step: 'connect_inbox' }
  | { step: 'reconnect_inbox'; inboxId: string }
  | { step: 'list_never_log' }
  | { step: 'list_do_not_track' }
  | { step: 'list_webhooks' };

export type Audience = 'cli' | 'api';

type Wording = { [S in NextStep as S['step']]: Record<Audience, (step: S) => string> };

/** Each step as a sentence that follows the error's own. */
const WORDING: Wording = {
  add_user: { cli: (s) => `Add them with \`reply-sync user add --email ${s.email}\`.`, api: () => 'Add them with `POST /v1/users`.' },
  add_contact: { cli: (s) => `Add it first with \`reply-sync contact add --email ${s.email}\`.`, api: () => 'Add it first with `POST /v1/contacts`.' },
  add_company: { cli: (s) => `Create it with \`reply-sync contact add ... --company "${s.name}"\`.`, api: () => 'Create it with `POST /v1/companies`.' },
  add_deal: { cli: (s) => `Create it with \`reply-sync contact add ... --deal "${s.name}"\`.`, api: () => 'Create it with `POST /v1/deals`.' },
  list_inboxes: { cli: () => '`reply-sync inbox list` shows them.', api: () => '`GET /v1/inboxes` lists them.' },
  connect_inbox: { cli: () => 'Connect it again with `reply-sync inbox connect`.', api: () => 'Connect it again with `POST /v1/inboxes`.' },
  reconnect_inbox: { cli: (s) => `Reconnect it with \`reply-sync inbox reconnect ${s.inboxId}\`.`, api: (s) => `Reconnect it with \`POST /v1/inboxes/${s.inboxId}/reconnect\`.` },
  list_never_log: { cli: () => '`reply-sync never-log list` shows the list.', api: () => '`GET /v1/never-log` shows the list.' },
  list_do_not_track: { cli: () => '`reply-sync do-not-track list` shows the list.', api: () => '`GET /v1/do-not-track` shows the list.' },
  list_webhooks: { cli: () => '`reply-sync webhook list` shows them.', api: () => '`GET /v1/webhooks` lists them.' },
};

/** Every step there is (the tests check each one's wordings). */
export const NEXT_STEPS = Object.keys(WORDING) as NextStep['step'][];

export function nextStepText(step: NextStep, audience: Audience): string {
  return (WORDING[step.step][audience] as (s: NextStep) => string)(step);
}

/** The error's sentence followed by its next step in the audience's words. */
export function withNextStep(sentence: string, step: NextStep | undefined, audience: Audience): string {
  return step ? `${sentence} ${nextStepText(step, audience)}` : sentence;
}
