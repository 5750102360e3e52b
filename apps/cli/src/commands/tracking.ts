// The tracking law from the CLI (issue 15): `tracking settings`, `contact tracking-basis`,
// `user paid-seat`, `do-not-track add|list|remove` and `explain tracking`.
import { Argument, Option, type Command } from 'commander';
import type { CliRuntime } from '../runtime';
import { collect } from '../format';
import { withAccount } from './options';

const ON_OFF = ['on', 'off'];
const onOff = (value: unknown): boolean | undefined => (value === undefined ? undefined : value === 'on');
const word = (on: boolean): string => (on ? 'on' : 'off');
/** A basis's record as the CLI says it: ", given 2026-11-30T10:15:00.000Z (web form /demo)", or that there is none. */
const basisRecord = (c: { trackingBasis: string | null; trackingBasisAt: Date | null; trackingBasisSource: string | null }): string => {
  if (!c.trackingBasis) return '';
  if (!c.trackingBasisAt) return ', with no record of when or how (set before records were kept: set it again with --source)';
  return `, given ${c.trackingBasisAt.toISOString()}${c.trackingBasisSource ? ` (${c.trackingBasisSource})` : ''}`;
};

/** The group named `name` registered earlier (contact, user, explain), so its subcommands stay together. */
function group(program: Command, name: string): Command {
  const found = program.commands.find((c) => c.name() === name);
  if (!found) throw new Error(`The ${name} command must be registered before the tracking commands.`);
  return found;
}

export function registerTrackingCommands(program: Command, rt: CliRuntime): void {
  const tracking = program.command('tracking').description('open and click tracking: the law the account follows');
  withAccount(
    tracking
      .command('settings')
      .description("show the account's tracking settings, or change them")
      .addOption(new Option('--gdpr <on|off>', 'GDPR rules: opens and clicks by name only for contacts with a tracking basis').choices(ON_OFF))
      .addOption(new Option('--clicks-seats-only <on|off>', 'click tracking only for users with a paid seat').choices(ON_OFF)),
  ).action(
    rt.action(async (ctx) => {
      const { getTrackingSettings, setTrackingSettings } = await import('@reply-sync/operations/tracking-settings');
      const s = await ctx.scope();
      const gdpr = onOff(ctx.opts.gdpr);
      const clickTrackingSeatsOnly = onOff(ctx.opts.clicksSeatsOnly);
      const settings = gdpr === undefined && clickTrackingSeatsOnly === undefined ? await getTrackingSettings(s) : await setTrackingSettings(s, { gdpr, clickTrackingSeatsOnly });
      ctx.print(settings, () =>
        [
          `GDPR rules: ${word(settings.gdpr)}${settings.gdpr ? ' (opens and clicks by name only for contacts with a tracking basis; the rest anonymous)' : ''}`,
          `Clicks tracked for paid seats only: ${word(settings.clickTrackingSeatsOnly)}`,
        ].join('\n'),
      );
    }),
  );

  withAccount(
    group(program, 'contact')
      .command('tracking-basis')
      .description("set why a contact's opens and clicks may be tracked by name under GDPR (none: anonymous)")
      .argument('<email>')
      .addArgument(new Argument('<basis>', 'consent, legitimate_interest or none').choices(['consent', 'legitimate_interest', 'none']))
      .option('--source <record>', 'where and how it was given (the form, the email, the call, with a reference); required for consent')
      .option('--at <date>', 'when it was given, e.g. 2026-11-30 or 2026-11-30T10:15:00Z (default: now)'),
  ).action(
    rt.action(async (ctx) => {
      const { parseTrackingBasis, setContactTrackingBasisByEmail } = await import('@reply-sync/operations/tracking-settings');
      const at = ctx.opts.at === undefined ? undefined : new Date(String(ctx.opts.at));
      const source = ctx.opts.source === undefined ? null : String(ctx.opts.source);
      const contact = await setContactTrackingBasisByEmail(await ctx.scope(), String(ctx.args[0]), parseTrackingBasis(String(ctx.args[1])), { at, source });
      ctx.print(contact, () => `${contact.email}: tracking basis ${contact.trackingBasis ?? 'none'}${basisRecord(contact)}.`);
    }),
  );

  withAccount(
    group(program, 'user')
      .command('paid-seat')
      .description('give a user a paid seat, or take it (with clicks for paid seats only, only they get click tracking)')
      .argument('<email>')
      .addArgument(new Argument('<on|off>').choices(ON_OFF)),
  ).action(
    rt.action(async (ctx) => {
      const value = String(ctx.args[1]);
      const { setUserPaidSeatByEmail } = await import('@reply-sync/operations/tracking-settings');
      const user = await setUserPaidSeatByEmail(await ctx.scope(), String(ctx.args[0]), value === 'on');
      ctx.print(user, () => `${user.email}: paid seat ${word(user.paidSeat)}.`);
    }),
  );

  const dnt = program.command('do-not-track').description('addresses and domains never tracked (no pixel, no tracked links)');
  withAccount(dnt.command('add').description('add an address, or a domain as @example.com / example.com (covers its subdomains)').argument('<value>')).action(
    rt.action(async (ctx) => {
      const { addDoNotTrack } = await import('@reply-sync/operations/tracking-settings');
      const row = await addDoNotTrack(await ctx.scope(), String(ctx.args[0]));
      ctx.print(row, () => `Never tracking ${row.kind} ${row.value}.`);
    }),
  );
  withAccount(dnt.command('list').description('list the do-not-track entries')).action(
    rt.action(async (ctx) => {
      const { listDoNotTrack } = await import('@reply-sync/operations/tracking-settings');
      const rows = await listDoNotTrack(await ctx.scope());
      ctx.print(rows, () => (rows.length === 0 ? 'The do-not-track list is empty.' : rows.map((r) => `${r.kind.padEnd(8)} ${r.value}`).join('\n')));
    }),
  );
  withAccount(dnt.command('remove').description('remove an address or domain').argument('<value>')).action(
    rt.action(async (ctx) => {
      const { removeDoNotTrack } = await import('@reply-sync/operations/tracking-settings');
      const result = await removeDoNotTrack(await ctx.scope(), String(ctx.args[0]));
      ctx.print(result, () => `Removed ${result.value} from the do-not-track list.`);
    }),
  );

  withAccount(
    group(program, 'explain')
      .command('tracking')
      .description('how a tracked send to these recipients would be tracked, and why (sends nothing)')
      .option('--user <email>', 'the sender (their paid seat decides click tracking)')
      .option('--inbox <id>', 'the inbox it would be sent from (its user is the sender)')
      .option('--to <email>', 'a recipient (repeatable)', collect)
      .option('--cc <email>', 'a Cc recipient (repeatable)', collect),
  ).action(
    rt.action(async (ctx) => {
      const s = await ctx.scope();
      const [{ explainTracking }, { requireUser }] = await Promise.all([import('@reply-sync/operations/explain-tracking'), import('@reply-sync/operations/accounts')]);
      const userId = ctx.opts.user ? (await requireUser(s, String(ctx.opts.user))).id : undefined;
      // The CLI sends nothing, so it cannot know the API's tracker keys: it explains the law only.
      const e = await explainTracking(ctx.db().db, s, { userId, inboxId: ctx.opts.inbox as string | undefined, to: (ctx.opts.to as string[] | undefined) ?? [], cc: ctx.opts.cc as string[] | undefined });
      ctx.print(e, () =>
        [
          `GDPR rules ${word(e.settings.gdpr)}; clicks for paid seats only ${word(e.settings.clickTrackingSeatsOnly)}; sender ${e.sender.userId ? (e.sender.paidSeat ? 'has a paid seat' : 'has no paid seat') : 'not given'}.`,
          `Pixel: ${e.pixel}; links tracked: ${e.clicks ? 'yes' : 'no'}.`,
          ...e.reasons.map((r) => `  ${r.code}: ${r.sentence}`),
          ...e.recipients.map((r) => `${r.address.padEnd(32)} ${r.tracking.padEnd(9)} ${r.reasonCode}: ${r.sentence}`),
        ].join('\n'),
      );
    }),
  );
}
