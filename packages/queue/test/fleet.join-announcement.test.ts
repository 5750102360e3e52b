// A worker new in the membership announces itself on the registry's change channel; the message is
// told apart from registry changes both ways, so an older worker ignores it and a newer one reads it.
import { describe, expect, it } from 'vitest';
import { parseMemberJoined, parseRegistryChange } from '../src/index';

describe('the join announcement', () => {
  it('names the member that joined, and is no registry change', () => {
    const message = JSON.stringify({ op: 'joined', member: 'host:123:abcd' });
    expect(parseMemberJoined(message)).toBe('host:123:abcd');
    expect(parseRegistryChange(message)).toBeNull();
  });

  it('a registry change or anything else is no join', () => {
    expect(parseMemberJoined(JSON.stringify({ op: 'add', inboxes: [] }))).toBeNull();
    expect(parseMemberJoined(JSON.stringify({ op: 'joined', member: '' }))).toBeNull();
    expect(parseMemberJoined(JSON.stringify({ op: 'joined', member: 7 }))).toBeNull();
    expect(parseMemberJoined('not json')).toBeNull();
  });
});
