// A reply is matched through a Message-ID and nothing else: whatever its subject, From and To say,
// a message whose In-Reply-To and References do not hold the logged email's id is never logged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideBatch, messageFactsFromHeaders, parseMessageIdList, type BatchLookups } from '../src/index';
import { headerBlock, idListText, PROPERTY_TIMEOUT_MS, runs, subjectText } from './arbitraries';
import { contact, inbox, place, thread } from './builders';

const LOGGED_ID = 'crm-1@crm.ourco.com';

/** Every look-up says yes: the sender is the contact, nothing is on never-log, the thread is Bob's. */
function lookups(): BatchLookups {
  return {
    threadRefs: new Map([[LOGGED_ID, thread()]]),
    loggedMessageIds: new Set(),
    contactsByEmail: new Map([['ana@example.com', contact()]]),
    neverLog: [],
  };
}

/** Ids that look like the logged one: in a comment, longer, shorter, quoted, on another domain. */
const nearMiss = fc.constantFrom(
  `(${LOGGED_ID})`,
  `<x${LOGGED_ID}>`,
  `<${LOGGED_ID}.evil>`,
  `<${LOGGED_ID.slice(0, -1)}>`,
  `"<${LOGGED_ID}>"`,
  `<crm-1@crm.ourco.com@x>`,
  'Subject: crm-1@crm.ourco.com',
);
const ids = fc.array(fc.oneof(idListText, nearMiss), { maxLength: 3 }).map((parts) => parts.join(' '));

/** A reply that matches in every way but the ids: the thread's subject, the contact, Bob's inbox. */
const lookalikeBlock = fc
  .tuple(ids, ids, subjectText, headerBlock)
  .map(
    ([inReplyTo, references, subject, extra]) =>
      `From: Ana Silva <ana@example.com>\r\nTo: Bob <bob@ourco.com>\r\nSubject: Re: Proposal ${subject}\r\n` +
      `Message-ID: <reply@mail.example.com>\r\nIn-Reply-To: ${inReplyTo}\r\nReferences: ${references}\r\n${extra}`,
  );

describe('a reply is matched only through a Message-ID', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  it('never logs a message whose In-Reply-To/References lack the logged id, whatever else it says', () => {
    fc.assert(
      fc.property(lookalikeBlock, (block) => {
        const facts = messageFactsFromHeaders(block, place);
        fc.pre(!facts.inReplyTo.includes(LOGGED_ID) && !facts.references.includes(LOGGED_ID));
        const [decision] = decideBatch([{ facts, messageIdNorm: facts.messageId ?? 'synthetic@x' }], inbox(), lookups());
        expect(decision!.action).toBe('skip');
      }),
      runs(),
    );
  });

  it('logs the same message once its In-Reply-To holds the id, in any of the ways clients write it', () => {
    // The control for the property above: the lookalikes are loggable but for the id.
    const written = fc.constantFrom(`<${LOGGED_ID}>`, `<${LOGGED_ID.toUpperCase()}>`, `${LOGGED_ID} (comment)`, `\r\n <${LOGGED_ID}>`, `=?utf-8?q?=3C${LOGGED_ID.replace('@', '=40')}=3E?=`);
    fc.assert(
      fc.property(written, (inReplyTo) => {
        expect(parseMessageIdList(inReplyTo)).toEqual([LOGGED_ID]);
        const facts = messageFactsFromHeaders(
          `From: Ana Silva <ana@example.com>\r\nTo: Bob <bob@ourco.com>\r\nSubject: Re: Proposal\r\nMessage-ID: <reply@mail.example.com>\r\nIn-Reply-To: ${inReplyTo}\r\n`,
          place,
        );
        const [decision] = decideBatch([{ facts, messageIdNorm: facts.messageId! }], inbox(), lookups());
        expect(decision!.action).toBe('log');
      }),
      runs(0.1),
    );
  });
});
