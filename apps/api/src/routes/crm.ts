// Contacts, companies and deals with their associations (a contact's companies and deals; a company's or
// deal's contacts): listed, shown and added.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Scoped } from '@reply-sync/db';
import { addContact } from '@reply-sync/operations';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { Page, PageQuery, pageOf } from '../pagination';
import { DateTime, IdParams, Nullable, OneOf, problemResponses } from '../schemas';

const Contact = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Nullable(Type.String()),
    ownerUserId: Nullable(Type.String()),
    legalBasis: Nullable(Type.String()),
    companyIds: Type.Array(Type.String()),
    dealIds: Type.Array(Type.String()),
    createdAt: DateTime,
  },
  { $id: 'Contact' },
);
const Company = Type.Object({ id: Type.String(), name: Type.String(), domain: Nullable(Type.String()), contactIds: Type.Array(Type.String()), createdAt: DateTime }, { $id: 'Company' });
const Deal = Type.Object(
  { id: Type.String(), name: Type.String(), status: OneOf(['open', 'closed']), contactIds: Type.Array(Type.String()), createdAt: DateTime },
  { $id: 'Deal' },
);

const AddContactBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    ownerEmail: Type.Optional(Type.String({ description: 'The user who owns the contact.' })),
    company: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Company name (created when missing).' })),
    deals: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50, description: 'Deal names (created when missing).' })),
    legalBasis: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

/** Each contact with its company and deal ids, in one query for the page (not one per contact). */
async function withLinks(s: Scoped, rows: { id: string; email: string }[]) {
  const links = new Map((await s.contacts.findByEmails(rows.map((r) => r.email))).map((l) => [l.id, l]));
  return rows.map((r) => ({ ...r, companyIds: links.get(r.id)?.companyIds ?? [], dealIds: links.get(r.id)?.dealIds ?? [] }));
}

/**
 * For companies or deals: a function giving the ids of the contacts linked to one, from the account's
 * contacts read once per request (a page of companies costs two queries, not two per company).
 */
async function contactsLinkedBy(s: Scoped, kind: 'companyIds' | 'dealIds'): Promise<(id: string) => string[]> {
  const all = await withLinks(s, await s.contacts.list());
  return (id) => all.filter((c) => c[kind].includes(id)).map((c) => c.id);
}

export const crmRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const schema of [Contact, Company, Deal]) app.addSchema(schema);

  app.get('/contacts', { ...scoped('read'), schema: { tags: ['contacts'], summary: 'Contacts with their companies and deals', querystring: PageQuery, response: { 200: Page(Type.Ref('Contact')), ...problemResponses() } } }, async (request) => {
    const { scope } = authOf(request);
    const page = pageOf(await scope.contacts.list(), request.query, (c) => [c.email, c.id]);
    return { ...page, data: await withLinks(scope, page.data) };
  });
  app.get('/contacts/:id', { ...scoped('read'), schema: { tags: ['contacts'], summary: 'One contact with its companies and deals', params: IdParams, response: { 200: Type.Ref('Contact'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    const contact = await findOr404('contact', request.params.id, (id) => scope.contacts.get(id));
    return (await withLinks(scope, [contact]))[0]!;
  });
  app.post('/contacts', { ...scoped('write'), schema: { tags: ['contacts'], summary: 'Add a contact (its company and deals are created when missing)', body: AddContactBody, response: { 201: Type.Ref('Contact'), ...problemResponses(404, 409) } } }, async (request, reply) => {
    const added = await addContact(authOf(request).scope, request.body);
    return reply.code(201).send({ ...added.contact, companyIds: added.company ? [added.company.id] : [], dealIds: added.deals.map((d) => d.id) });
  });

  app.get('/companies', { ...scoped('read'), schema: { tags: ['companies'], summary: 'Companies', querystring: PageQuery, response: { 200: Page(Type.Ref('Company')), ...problemResponses() } } }, async (request) => {
    const { scope } = authOf(request);
    const page = pageOf(await scope.companies.list(), request.query, (c) => [c.name, c.id]);
    const linked = await contactsLinkedBy(scope, 'companyIds');
    return { ...page, data: page.data.map((c) => ({ ...c, contactIds: linked(c.id) })) };
  });
  app.get('/companies/:id', { ...scoped('read'), schema: { tags: ['companies'], summary: 'One company with its contacts', params: IdParams, response: { 200: Type.Ref('Company'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    const company = await findOr404('company', request.params.id, (id) => scope.companies.get(id));
    return { ...company, contactIds: (await contactsLinkedBy(scope, 'companyIds'))(company.id) };
  });

  app.post(
    '/companies',
    {
      ...scoped('write'),
      schema: { tags: ['companies'], summary: 'Add a company', body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), domain: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })) }, { additionalProperties: false }), response: { 201: Type.Ref('Company'), ...problemResponses() } },
    },
    async (request, reply) => reply.code(201).send({ ...(await authOf(request).scope.companies.add(request.body)), contactIds: [] }),
  );

  app.post(
    '/deals',
    { ...scoped('write'), schema: { tags: ['deals'], summary: 'Add a deal', body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), status: Type.Optional(OneOf(['open', 'closed'])) }, { additionalProperties: false }), response: { 201: Type.Ref('Deal'), ...problemResponses() } } },
    async (request, reply) => reply.code(201).send({ ...(await authOf(request).scope.deals.add(request.body)), contactIds: [] }),
  );

  app.get('/deals', { ...scoped('read'), schema: { tags: ['deals'], summary: 'Deals', querystring: PageQuery, response: { 200: Page(Type.Ref('Deal')), ...problemResponses() } } }, async (request) => {
    const { scope } = authOf(request);
    const page = pageOf(await scope.deals.list(), request.query, (d) => [d.name, d.id]);
    const linked = await contactsLinkedBy(scope, 'dealIds');
    return { ...page, data: page.data.map((d) => ({ ...d, contactIds: linked(d.id) })) };
  });
  app.get('/deals/:id', { ...scoped('read'), schema: { tags: ['deals'], summary: 'One deal with its contacts', params: IdParams, response: { 200: Type.Ref('Deal'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    const deal = await findOr404('deal', request.params.id, (id) => scope.deals.get(id));
    return { ...deal, contactIds: (await contactsLinkedBy(scope, 'dealIds'))(deal.id) };
  });
};
