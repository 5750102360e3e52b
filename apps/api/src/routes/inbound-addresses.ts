// The account's logging addresses at INBOUND_DOMAIN: bcc-<token>@… (put in Bcc to log an email sent from
// any mail client) and fwd-<token>@… (forward a reply to it to log the reply). Rotating one retires the
// old address, which apps/inbound refuses at RCPT from then on.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inboundAddressOf } from '@reply-sync/db';
import { Type } from 'typebox';
import { scoped } from '../access';
import { authOf } from '../authenticate';
import { ApiProblem } from '../problem';
import { DateTime, OneOf, problemResponses } from '../schemas';

export interface InboundAddressDeps {
  /** INBOUND_DOMAIN, lower case; null: these routes answer 503 inbound_domain_missing. */
  inboundDomain: string | null;
}

const Addresses = Type.Object(
  {
    bcc: Type.String({ description: 'Put it in Bcc (or Cc) of an email sent from any mail client to log that email.' }),
    forward: Type.String({ description: 'Forward a reply to it, one at a time, to log the original reply.' }),
    since: DateTime,
  },
  { $id: 'InboundAddresses' },
);
const Rotated = Type.Object(
  { kind: OneOf(['bcc', 'fwd']), address: Type.String(), retired: Type.Union([Type.String(), Type.Null()], { description: 'The address replaced, refused from now on' }) },
  { $id: 'RotatedInboundAddress' },
);

function domainOr503(deps: InboundAddressDeps): string {
  if (deps.inboundDomain) return deps.inboundDomain;
  throw new ApiProblem(503, 'inbound_domain_missing', 'This API has no INBOUND_DOMAIN, so there are no logging addresses to show. Set INBOUND_DOMAIN to the domain the inbound SMTP server receives for (e.g. log.example.com) and restart the API.');
}

export const inboundAddressRoutes: FastifyPluginAsyncTypebox<InboundAddressDeps> = async (app, deps) => {
  app.addSchema(Addresses);
  app.addSchema(Rotated);
  const tags = ['inbound-addresses'];
  app.get(
    '/inbound-addresses',
    { ...scoped('read'), schema: { tags, summary: "The account's BCC and forwarding addresses (made on first use)", response: { 200: Type.Ref('InboundAddresses'), ...problemResponses(503) } } },
    async (request) => {
      const domain = domainOr503(deps);
      const { scope } = authOf(request);
      const [bcc, fwd] = await Promise.all([scope.inbound.address('bcc'), scope.inbound.address('fwd')]);
      return { bcc: inboundAddressOf('bcc', bcc.token, domain), forward: inboundAddressOf('fwd', fwd.token, domain), since: bcc.createdAt };
    },
  );
  app.post(
    '/inbound-addresses/:kind/rotate',
    {
      ...scoped('write'),
      schema: {
        tags,
        summary: 'Replace the BCC (bcc) or forwarding (fwd) address with a new one; mail to the old one is refused from now on',
        params: Type.Object({ kind: OneOf(['bcc', 'fwd']) }),
        response: { 200: Type.Ref('RotatedInboundAddress'), ...problemResponses(503) },
      },
    },
    async (request) => {
      const domain = domainOr503(deps);
      const { kind } = request.params;
      const { address, retired } = await authOf(request).scope.inbound.rotate(kind);
      return { kind, address: inboundAddressOf(kind, address.token, domain), retired: retired ? inboundAddressOf(kind, retired.token, domain) : null };
    },
  );
};
