// The do-not-track list: addresses, and domains that also cover their subdomains, never given a pixel or a
// rewritten link, whatever the law (issue 15). The same shape and rules as the never-log list.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addDoNotTrack, removeDoNotTrack } from '@reply-sync/operations';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { findOr404 } from '../find-or-404';
import { keysetPage, keysetQuery, Page, PageQuery } from '../pagination';
import { DateTime, IdParams, OneOf, problemResponses } from '../schemas';

const Entry = Type.Object({ id: Type.String(), kind: OneOf(['address', 'domain']), value: Type.String(), createdAt: DateTime }, { $id: 'DoNotTrackEntry' });

export const doNotTrackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Entry);
  const tags = ['tracking'];
  app.get('/do-not-track', { ...scoped('read'), schema: { tags, summary: 'The do-not-track list, newest first', querystring: PageQuery, response: { 200: Page(Type.Ref('DoNotTrackEntry')), ...problemResponses() } } }, async (request) => {
    const q = keysetQuery(request.query);
    return keysetPage(await authOf(request).scope.doNotTrack.page(q), q.pageSize);
  });
  app.post(
    '/do-not-track',
    {
      ...scoped('write'),
      schema: { tags, summary: 'Add an address (ana@example.com) or a domain (@example.com, example.com) never tracked', body: Type.Object({ value: Type.String({ minLength: 1, maxLength: 320 }) }, { additionalProperties: false }), response: { 201: Type.Ref('DoNotTrackEntry'), ...problemResponses() } },
    },
    async (request, reply) => reply.code(201).send(await addDoNotTrack(authOf(request).scope, request.body.value)),
  );
  app.delete('/do-not-track/:id', { ...scoped('write'), schema: { tags, summary: 'Remove an entry', params: IdParams, response: { 200: Type.Ref('DoNotTrackEntry'), ...problemResponses(404) } } }, async (request) => {
    const { scope } = authOf(request);
    const entry = await findOr404('do-not-track entry', request.params.id, (id) => scope.doNotTrack.get(id));
    await removeDoNotTrack(scope, entry.kind === 'domain' ? `@${entry.value}` : entry.value);
    return entry;
  });
};
