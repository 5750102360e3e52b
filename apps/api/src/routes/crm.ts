// Contacts, companies and deals with their associations (a contact's companies and deals; a company's or
// deal's contacts): listed (paged in SQL, newest first, the links in the same query), shown and added; a contact's tracking basis changed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addContact, setContactTrackingBasis } from '@reply-sync/operations';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { DateTime, IdParams, Nullable, OneOf, problemResponses } from '../schemas';

const Contact = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Nullable(Type.String()),
    ownerUserId: Nullable(Type.String()),
    legalBasis: Nullable(Type.String()),
    trackingBasis: Nullable(OneOf(['consent', 'legitimate_interest'], { description: 'Why opens and clicks may be attributed to this contact when GDPR rules apply; null: not by name.' })),
    trackingBasisAt: Type.Unsafe<Date | string | null>({ type: ['string', 'null'], format: 'date-time', description: 'When the basis was given (for consent: when the person agreed); null with no basis, or for one set before records were kept.' }),
    trackingBasisSource: Type.Union([Type.String(), Type.Null()], { description: 'The record of the basis: where and how it was given (the form, the email, the call). Always there for consent set since records were kept.' }),
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

export const crmRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const schema of [Contact, Company, Deal]) app.addSchema(schema);

  app.get('/contacts', { ...scoped('read'), schema: { tags: ['contacts'], summary: 'Contacts with their companies and deals, newest first', querystring: PageQuery, response: { 200: Page(Type.Ref('Contact')), ...problemResponses() } } }, async (request) => {
    const q = keysetQuery(request.query);
    return keysetPage(await authOf(request).scope.contacts.page(q), q.pageSize);
  });
  app.get('/contacts/:id', { ...scoped('read'), schema: { tags: ['contacts'], summary: 'One contact with its companies and deals', params: IdParams, response: { 200: Type.Ref('Contact'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    return findOr404('contact', request.params.id, (id) => scope.contacts.getWithLinks(id));
  });
  app.post('/contacts', { ...scoped('write'), schema: { tags: ['contacts'], summary: 'Add a contact (its company and deals are created when missing)', body: AddContactBody, response: { 201: Type.Ref('Contact'), ...problemResponses(404, 409) } } }, async (request, reply) => {
    const added = await addContact(authOf(request).scope, request.body);
    return reply.code(201).send({ ...added.contact, companyIds: added.company ? [added.company.id] : [], dealIds: added.deals.map((d) => d.id) });
  });

  app.patch(
    '/contacts/:id',
    {
      ...scoped('write'),
      schema: {
        tags: ['contacts'],
        summary: "Change a contact's tracking basis and its record (null: none; with GDPR on, its opens and clicks are then anonymous)",
        description: 'Consent needs `trackingBasisSource`: where and how the person agreed, so it can be shown when asked. `trackingBasisAt` is when (default now; not in the future). Clearing the basis clears its record.',
        params: IdParams,
        body: Type.Object(
          {
            trackingBasis: Nullable(OneOf(['consent', 'legitimate_interest'] as const)),
            trackingBasisAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the basis was given.' })),
            trackingBasisSource: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Where and how it was given: a form, an email, a call, with a reference.' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Contact'), ...problemResponses(404) },
      },
    },
    async (request) => {
      const { scope } = authOf(request);
      const contact = await findOr404('contact', request.params.id, (id) => scope.contacts.get(id));
      const { trackingBasis, trackingBasisAt, trackingBasisSource } = request.body;
      await setContactTrackingBasis(scope, contact.id, trackingBasis, { at: trackingBasisAt === undefined ? undefined : new Date(trackingBasisAt), source: trackingBasisSource ?? null });
      return (await scope.contacts.getWithLinks(contact.id))!;
    },
  );
  app.get('/companies', { ...scoped('read'), schema: { tags: ['companies'], summary: 'Companies with their contacts, newest first', querystring: PageQuery, response: { 200: Page(Type.Ref('Company')), ...problemResponses() } } }, async (request) => {
    const q = keysetQuery(request.query);
    return keysetPage(await authOf(request).scope.companies.page(q), q.pageSize);
  });
  app.get('/companies/:id', { ...scoped('read'), schema: { tags: ['companies'], summary: 'One company with its contacts', params: IdParams, response: { 200: Type.Ref('Company'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    return findOr404('company', request.params.id, (id) => scope.companies.getWithContacts(id));
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

  app.get('/deals', { ...scoped('read'), schema: { tags: ['deals'], summary: 'Deals with their contacts, newest first', querystring: PageQuery, response: { 200: Page(Type.Ref('Deal')), ...problemResponses() } } }, async (request) => {
    const q = keysetQuery(request.query);
    return keysetPage(await authOf(request).scope.deals.page(q), q.pageSize);
  });
  app.get('/deals/:id', { ...scoped('read'), schema: { tags: ['deals'], summary: 'One deal with its contacts', params: IdParams, response: { 200: Type.Ref('Deal'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    return findOr404('deal', request.params.id, (id) => scope.deals.getWithContacts(id));
  });
};
