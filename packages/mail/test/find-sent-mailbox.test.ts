import { describe, expect, it } from 'vitest';
import { pickSentMailbox, type MailboxListEntry } from '../src/find-sent-mailbox';

function box(path: string, opts: { flags?: string[]; specialUse?: string; source?: 'extension' | 'name'; delimiter?: string } = {}): MailboxListEntry {
  const delimiter = opts.delimiter ?? '.';
  return {
    path,
    name: path.split(delimiter).pop() ?? path,
    delimiter,
    flags: new Set(opts.flags ?? []),
    specialUse: opts.specialUse,
    specialUseSource: opts.specialUse ? (opts.source ?? 'extension') : undefined,
  };
}

describe('pickSentMailbox', () => {
  it('takes the mailbox the server marks \\Sent, whatever it is called', () => {
    expect(pickSentMailbox([box('INBOX'), box('Sent'), box('Outbox copies', { specialUse: '\\Sent' })])).toBe('Outbox copies');
  });

  it('finds Gmail-style [Gmail]/Sent Mail by name and skips the \\Noselect [Gmail] parent', () => {
    const entries = [box('INBOX', { delimiter: '/' }), box('[Gmail]', { flags: ['\\Noselect', '\\HasChildren'], delimiter: '/' }), box('[Gmail]/Sent Mail', { delimiter: '/' })];
    expect(pickSentMailbox(entries)).toBe('[Gmail]/Sent Mail');
  });

  it.each(['Sent', 'Sent Items', 'Sent Messages', 'INBOX.Sent', 'Gesendet', 'Envoyés', 'Elementos enviados', 'Posta inviata', 'Verzonden items'])(
    'falls back to the common name %s',
    (path) => {
      expect(pickSentMailbox([box('INBOX'), box('Drafts'), box(path)])).toBe(path);
    },
  );

  it('matches names case-insensitively', () => {
    expect(pickSentMailbox([box('INBOX'), box('SENT ITEMS')])).toBe('SENT ITEMS');
    expect(pickSentMailbox([box('INBOX'), box('ENVOYÉS')])).toBe('ENVOYÉS');
  });

  it('never picks a \\Noselect entry, even one marked \\Sent', () => {
    expect(pickSentMailbox([box('Sent', { flags: ['\\Noselect'], specialUse: '\\Sent' })])).toBeNull();
  });

  it('prefers the server\'s marker over a name match', () => {
    expect(pickSentMailbox([box('Sent'), box('Sent Items', { specialUse: '\\Sent' })])).toBe('Sent Items');
  });

  it('is null when nothing looks like Sent', () => {
    expect(pickSentMailbox([box('INBOX'), box('Drafts', { specialUse: '\\Drafts' }), box('Archive')])).toBeNull();
    expect(pickSentMailbox([])).toBeNull();
  });
});
