import { describe, expect, it } from 'vitest';
import { decide } from '../src/index';
import { context, replyFacts } from './builders';

const reason = (mailbox: string, mailboxSpecialUse?: string) =>
  decide(replyFacts(mailboxSpecialUse ? { mailbox, mailboxSpecialUse } : { mailbox }), context()).reason;

describe('rule 4, not_in_inbox: only replies in INBOX itself are logged', () => {
  it('INBOX in any case is the inbox', () => {
    expect(reason('INBOX')).toBe('logged');
    expect(reason('Inbox')).toBe('logged');
    expect(reason('inbox')).toBe('logged');
  });

  it('subfolders of INBOX, with either separator, are not', () => {
    expect(reason('INBOX/Projects')).toBe('not_in_inbox');
    expect(reason('INBOX.Projects')).toBe('not_in_inbox');
    expect(reason(' INBOX')).toBe('not_in_inbox');
  });

  it('Junk and Spam are not, by name or by the \\Junk special-use flag', () => {
    expect(reason('Junk')).toBe('not_in_inbox');
    expect(reason('[Gmail]/Spam', '\\Junk')).toBe('not_in_inbox');
    expect(reason('Courrier indésirable', '\\Junk')).toBe('not_in_inbox');
    expect(reason('INBOX', '\\Junk')).toBe('not_in_inbox');
  });

  it('names the mailbox in the detail', () => {
    expect(decide(replyFacts({ mailbox: 'INBOX/Projects' }), context())).toEqual({
      action: 'skip',
      reason: 'not_in_inbox',
      detail: 'mailbox INBOX/Projects',
    });
  });
});
