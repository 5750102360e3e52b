import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { messageFactsFromHeaders, parseAddressList } from '../src/index';

describe('parseAddressList: From, To and Cc as clients write them', () => {
  it('lower-cases addresses and keeps display names', () => {
    expect(parseAddressList('Ana Silva <Ana.Silva@Example.COM>')).toEqual([{ address: 'ana.silva@example.com', name: 'Ana Silva' }]);
  });

  it('reads quoted names, with commas and escapes', () => {
    expect(parseAddressList('"Silva, Ana" <ana@x.com>, "O\\"Brien" <ob@x.com>')).toEqual([
      { address: 'ana@x.com', name: 'Silva, Ana' },
      { address: 'ob@x.com', name: 'O"Brien' },
    ]);
  });

  it('decodes encoded words in names, also inside quotes and split over several words', () => {
    expect(parseAddressList('=?UTF-8?Q?Ana_Mar=C3=ADa?= <a@x>')).toEqual([{ address: 'a@x', name: 'Ana María' }]);
    expect(parseAddressList('"=?iso-8859-1?Q?Jos=E9?=" <j@x>')).toEqual([{ address: 'j@x', name: 'José' }]);
    expect(parseAddressList('=?utf-8?Q?M=C3=BCller?= =?utf-8?Q?=2C_Jens?= <j@x>')).toEqual([{ address: 'j@x', name: 'Müller, Jens' }]);
  });

  it('reads bare addresses, and a comment as the name', () => {
    expect(parseAddressList('a@x, B@Y')).toEqual([{ address: 'a@x' }, { address: 'b@y' }]);
    expect(parseAddressList('ana@x (Ana Silva)')).toEqual([{ address: 'ana@x', name: 'Ana Silva' }]);
  });

  it('reads groups and drops their names, including an empty group', () => {
    expect(parseAddressList('Team: a@x, "B" <b@y>; c@z')).toEqual([{ address: 'a@x' }, { address: 'b@y', name: 'B' }, { address: 'c@z' }]);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual([]);
  });

  it('drops entries without an address: <>, lone words', () => {
    expect(parseAddressList('<>')).toEqual([]);
    expect(parseAddressList('Silva, Ana <ana@x>')).toEqual([{ address: 'ana@x', name: 'Ana' }]);
  });

  it('tolerates a missing closing bracket, folded whitespace and source routes', () => {
    expect(parseAddressList('Ana <ana@x')).toEqual([{ address: 'ana@x', name: 'Ana' }]);
    expect(parseAddressList('Ana\r\n  Silva\t<ana@x>')).toEqual([{ address: 'ana@x', name: 'Ana Silva' }]);
    expect(parseAddressList('<@relay.x:ana@x>')).toEqual([{ address: 'ana@x' }]);
  });

  it('keeps the alias distinct from the address it forwards to', () => {
    expect(parseAddressList('contacts-alias@example.com')[0]!.address).toBe('contacts-alias@example.com');
  });

  it('never throws', () => {
    for (const v of [undefined, null, '', ',,,', '"', '(', '<', ':;', '"a" "b" <', 'a@b:c']) {
      expect(() => parseAddressList(v)).not.toThrow();
    }
  });
});

describe('parseAddressList: the faults of issue 9', () => {
  it('ends on a colon after an address instead of looping until memory runs out', () => {
    expect(parseAddressList('Ana <ana@x.test>: hi')).toEqual([{ address: 'ana@x.test', name: 'Ana' }]);
    expect(parseAddressList('a@b c:')).toEqual([{ address: 'a@b', name: 'c' }]);
    expect(parseAddressList('a@b: c@d, e@f')).toEqual([{ address: 'a@b', name: 'c@d' }, { address: 'e@f' }]);
  });

  it('drops comments inside an addr-spec (RFC 5322 appendix A.5)', () => {
    const f = messageFactsFromHeaders(readFileSync(new URL('./fixtures/rfc5322-appendix-a5.eml', import.meta.url)), {
      mailbox: 'INBOX',
      arrivedAt: new Date(),
    });
    expect(f.from).toEqual({ address: 'pete@silly.test', name: 'Pete' });
    expect(f.to).toEqual([
      { address: 'c@public.example', name: 'Chris Jones' },
      { address: 'joe@example.org' },
      { address: 'jdoe@one.test', name: 'John' },
    ]);
    expect(f.cc).toEqual([]);
    expect(f.messageId).toBe('testabcd.1234@silly.test');
    expect(parseAddressList('pete(his account)@silly.test')[0]!.address).toBe('pete@silly.test');
  });

  it('does not take a bracketed word without @ for an address', () => {
    expect(parseAddressList('Nathaniel Borenstein <nsb>')).toEqual([]);
    expect(parseAddressList('<nsb>, ana@x.test')).toEqual([{ address: 'ana@x.test' }]);
  });

  it('gives internationalised domains in Unicode, however they were written', () => {
    expect(parseAddressList('Ana <ana@xn--mller-kva.test>')).toEqual([{ address: 'ana@müller.test', name: 'Ana' }]);
    expect(parseAddressList('ANA@MÜLLER.test')).toEqual([{ address: 'ana@müller.test' }]);
  });

  it('keeps no NUL or control character in an address or a name', () => {
    expect(parseAddressList('=?utf-8?q?A=00na?= <ana\x00@x.test>')).toEqual([{ address: 'ana@x.test', name: 'Ana' }]);
    expect(parseAddressList('"Ana\x01" <ana@x.test>')).toEqual([{ address: 'ana@x.test', name: 'Ana\ufffd' }]);
  });
});
