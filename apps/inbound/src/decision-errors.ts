// The two ways a logging transaction ends without its own commit (shared by the BCC and forward paths).

/** Another run of the same spooled message recorded its decision first (two jobs at once). */
export class AlreadyProcessed extends Error {}

/** The email was already on the timeline: roll back the contacts made for it, still record the decision. */
export class DuplicateRollback<T> extends Error {
  constructor(readonly outcome: T) {
    super('duplicate');
  }
}
