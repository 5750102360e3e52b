// logReply associates only this account's contacts, companies and deals: an id of another account's
// row refuses the whole reply (nothing stored), while the account's own ids are all associated.
import { describe, expect, it } from 'vitest';
import { newAccount, useDb } from './helpers';
import { replyInput, seedThread } from './fixtures';

describe('emails.logReply associations', () => {
  const ctx = useDb();

  it("associates the account's own rows and refuses another account's", async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const scene = await seedThread(a.s);
    const foreign = await seedThread(b.s);

    for (const kind of ['contactIds', 'companyIds', 'dealIds'] as const) {
      const foreignId = kind === 'contactIds' ? foreign.contact.id : kind === 'companyIds' ? foreign.company.id : foreign.deal.id;
      const input = await replyInput(a.s, scene);
      input.associations = { ...input.associations, [kind]: [...input.associations[kind], foreignId] };
      await expect(a.s.emails.logReply(input)).rejects.toMatchObject({ code: 'not_in_account' });
      expect(await a.s.emails.getByMessageId(input.messageId)).toBeNull();
      expect(await a.s.decisions.forMessageId(input.messageId)).toEqual([]);
    }

    const input = await replyInput(a.s, scene);
    const logged = await a.s.emails.logReply(input);
    expect(logged).toMatchObject({ inserted: true, reason: 'logged' });
    const [entry] = (await a.s.timeline.forContact('bob@acme.test')).filter((e) => e.id === (logged.inserted ? logged.emailId : ''));
    expect(entry).toBeDefined();
    expect(await a.s.timeline.forCompany(scene.company.id)).toEqual(expect.arrayContaining([expect.objectContaining({ id: entry!.id })]));
    expect(await a.s.timeline.forDeal(scene.deal.id)).toEqual(expect.arrayContaining([expect.objectContaining({ id: entry!.id })]));
    expect(await a.s.decisions.forMessageId(input.messageId)).toMatchObject([{ reasonCode: 'logged' }]);
  });
});
