// `inbound-address show|rotate`: the account's BCC and forwarding addresses at INBOUND_DOMAIN; rotating retires the old one, which is refused at RCPT from then on.
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import type { CliRuntime } from '../runtime';
import { withAccount } from './options';

function inboundDomain(source: Record<string, string | undefined>): string {
  const domain = source.INBOUND_DOMAIN?.trim().toLowerCase();
  if (!domain) {
    throw new CliError('inbound_domain_missing', 'INBOUND_DOMAIN is not set; set it to the domain of the logging addresses (the one `reply-sync inbound` serves), e.g. log.example.com.');
  }
  return domain;
}

export function registerInboundAddressCommands(program: Command, rt: CliRuntime): void {
  const cmd = program.command('inbound-address').description("the account's logging addresses: bcc-<token>@INBOUND_DOMAIN (put it in Bcc to log an email sent from any mail client) and fwd-<token>@INBOUND_DOMAIN (forward a reply to it to log the reply)");
  withAccount(cmd.command('show').description('print the BCC and forwarding addresses (made on first use)')).action(
    rt.action(async (ctx) => {
      const domain = inboundDomain(ctx.env().source);
      const s = await ctx.scope();
      const { inboundAddressOf } = await import('@reply-sync/db');
      const [bcc, fwd] = await Promise.all([s.inbound.address('bcc'), s.inbound.address('fwd')]);
      const out = { bcc: inboundAddressOf('bcc', bcc.token, domain), forward: inboundAddressOf('fwd', fwd.token, domain), since: bcc.createdAt };
      ctx.print(out, () =>
        [`BCC address:        ${out.bcc}`, `forwarding address: ${out.forward}`, 'Only mail from the account\'s own people is logged; rotate an address with `reply-sync inbound-address rotate [--kind fwd]` if it leaks.'].join('\n'),
      );
    }),
  );
  withAccount(
    cmd
      .command('rotate')
      .description('replace the BCC (or forwarding) address with a new one; mail to the old one is refused from now on')
      .option('--kind <kind>', 'bcc or fwd', 'bcc'),
  ).action(
    rt.action(async (ctx) => {
      const domain = inboundDomain(ctx.env().source);
      const kind = String(ctx.opts.kind);
      if (kind !== 'bcc' && kind !== 'fwd') throw new CliError('invalid_kind', `"${kind}" is not a kind of logging address; give bcc or fwd.`);
      const s = await ctx.scope();
      const { inboundAddressOf } = await import('@reply-sync/db');
      const { address, retired } = await s.inbound.rotate(kind);
      const out = { address: inboundAddressOf(kind, address.token, domain), retired: retired ? inboundAddressOf(kind, retired.token, domain) : null };
      ctx.print(out, () => `New ${kind === 'bcc' ? 'BCC' : 'forwarding'} address: ${out.address}${out.retired ? `\nRetired (now refused): ${out.retired}` : ''}`);
    }),
  );
}
