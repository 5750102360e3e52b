// The never-log list: addresses, and domains that also cover their subdomains, whose mail is never logged.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addNeverLog, removeNeverLog } from '@reply-sync/operations';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { DateTime, IdParams, OneOf, problemResponses } from '../schemas';

const Entry = Type.Object({ id: Type.String(), kind: OneOf(['address', 'domain']), value: Type.String(), createdAt: DateTime }, { $id: 'NeverLogEntry' });

export const neverLogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Entry);
  const tags = ['never-log'];
  app.get('/never-log', { ...scoped('read'), schema: { tags, summary: 'The never-log list, newest first', querystring: PageQuery, response: { 200: Page(Type.Ref('NeverLogEntry')), ...problemResponses() } } }, async (request) => {
    const q = keysetQuery(request.query);
    return keysetPage(await authOf(request).scope.neverLog.page(q), q.pageSize);
  });
  app.post(
    '/never-log',
    {
      ...scoped('write'),
      schema: { tags, summary: 'Add an address (ana@example.com) or a domain (@example.com, example.com)', body: Type.Object({ value: Type.String({ minLength: 1, maxLength: 320 }) }, { additionalProperties: false }), response: { 201: Type.Ref('NeverLogEntry'), ...problemResponses() } },
    },
    async (request, reply) => reply.code(201).send(await addNeverLog(authOf(request).scope, request.body.value)),
  );
  app.delete('/never-log/:id', { ...scoped('write'), schema: { tags, summary: 'Remove an entry', params: IdParams, response: { 200: Type.Ref('NeverLogEntry'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    const entry = await findOr404('never-log entry', request.params.id, (id) => scope.neverLog.get(id));
    await removeNeverLog(scope, entry.kind === 'domain' ? `@${entry.value}` : entry.value);
    return entry;
  });
};
