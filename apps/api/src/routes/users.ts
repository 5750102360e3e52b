// Users of the account (the people who connect inboxes and send from the CRM).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addUser, setUserPaidSeat } from '@reply-sync/operations';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { DateTime, IdParams, Nullable, problemResponses } from '../schemas';

const User = Type.Object({ id: Type.String(), email: Type.String(), name: Nullable(Type.String()), paidSeat: Type.Boolean({ description: 'A paid seat (click tracking when the account keeps it to paid seats).' }), createdAt: DateTime }, { $id: 'User' });

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(User);
  const tags = ['users'];
  app.get('/users', { ...scoped('read'), schema: { tags, summary: "The account's users, newest first", querystring: PageQuery, response: { 200: Page(Type.Ref('User')), ...problemResponses() } } }, async (request) => {
    const q = keysetQuery(request.query);
    return keysetPage(await authOf(request).scope.users.page(q), q.pageSize);
  });
  app.get('/users/:id', { ...scoped('read'), schema: { tags, summary: 'One user', params: IdParams, response: { 200: Type.Ref('User'), ...problemResponses(404) } } }, async (request) =>
    findOr404('user', request.params.id, (id) => authOf(request).scope.users.get(id)),
  );
  app.post(
    '/users',
    {
      ...scoped('write'),
      schema: { tags, summary: 'Add a user', body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), name: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }), response: { 201: Type.Ref('User'), ...problemResponses(409) } },
    },
    async (request, reply) => reply.code(201).send(await addUser(authOf(request).scope, request.body)),
  );
  app.patch(
    '/users/:id',
    {
      ...scoped('write'),
      schema: {
        tags: ['users'],
        summary: "Change a user's paid seat (with clickTrackingSeatsOnly, only paid seats get click tracking)",
        params: IdParams,
        body: Type.Object({ paidSeat: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Type.Ref('User'), ...problemResponses(404) },
      },
    },
    async (request) => {
      const { scope } = authOf(request);
      const user = await findOr404('user', request.params.id, (id) => scope.users.get(id));
      return setUserPaidSeat(scope, user.id, request.body.paidSeat);
    },
  );
};
