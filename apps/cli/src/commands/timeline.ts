// `timeline` (a contact's, company's or deal's emails, newest first) and `explain MESSAGE-ID`.
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { explain, timelineFor, type ExplainedDecision, type Explanation, type Timeline, type TimelineTarget } from '../ops/timeline';
import type { CliRuntime } from '../runtime';
import { formatDate, formatSize } from '../format';
import { withAccount } from './options';

export function formatTimeline(t: Timeline): string {
  const head = `Timeline of ${t.target.label} (${t.target.kind}), newest first:`;
  if (t.entries.length === 0) return `${head}\n  (no emails yet)`;
  const lines = t.entries.map((e) => {
    const arrow = e.direction === 'inbound' ? '<- in ' : '-> out';
    const files = e.attachments.map((a) => `${a.filename ?? 'unnamed'} ${formatSize(a.size)}`);
    const extra = files.length ? `  [${files.join(', ')}]` : e.attachmentsSkippedReason ? '  [attachments left out]' : '';
    return `  ${formatDate(e.at)}  ${arrow}  ${e.from.address}  "${e.subject}"${extra}`;
  });
  return [head, ...lines].join('\n');
}

export function formatDecision(d: ExplainedDecision): string {
  return [
    `  ${formatDate(d.at)}  ${d.decision.toUpperCase()}  ${d.reasonCode}  (inbox ${d.inbox.address}, uid ${d.uid})`,
    `    ${d.sentence}`,
    ...(d.detail ? [`    detail: ${d.detail}`] : []),
  ].join('\n');
}

export function formatExplanation(e: Explanation): string {
  const lines = [`Message ${e.messageId}`];
  if (e.loggedEmail) {
    const what = e.loggedEmail.direction === 'outbound' ? `an email the CRM ${e.loggedEmail.source === 'crm_send' ? 'sent' : 'logged'}` : 'a reply on the timeline';
    lines.push(`  is ${what}: "${e.loggedEmail.subject}" (${formatDate(e.loggedEmail.at)}, email ${e.loggedEmail.id})`);
  }
  if (e.decisions.length === 0 && e.loggedEmail?.direction === 'outbound') {
    lines.push('  No decision is recorded for it: decisions are about messages found in connected inboxes, and the replies to this one get them.');
  } else if (e.decisions.length === 0) {
    lines.push('  No decision is recorded for it (no connected inbox has examined it: not synced yet, or filed outside the INBOX).');
  }
  lines.push(...e.decisions.map(formatDecision));
  return lines.join('\n');
}

export function registerTimelineCommands(program: Command, rt: CliRuntime): void {
  withAccount(
    program
      .command('timeline')
      .description('emails on the timeline of a contact, company or deal, newest first')
      .option('--contact <email>', "a contact's email address")
      .option('--company <name>', 'a company name or id')
      .option('--deal <name>', 'a deal name or id'),
  ).action(
    rt.action(async (ctx) => {
      const o = ctx.opts;
      const given = (['contact', 'company', 'deal'] as const).filter((k) => typeof o[k] === 'string');
      if (given.length !== 1) throw new CliError('timeline_target', 'Give exactly one of --contact EMAIL, --company NAME or --deal NAME.');
      const kind = given[0]!;
      const target = { [kind]: String(o[kind]) } as TimelineTarget;
      const t = await timelineFor(await ctx.scope(), target);
      ctx.print(t, () => formatTimeline(t));
    }),
  );

  withAccount(program.command('explain').description('every decision recorded for a message, with its reason sentence').argument('<message-id>')).action(
    rt.action(async (ctx) => {
      const e = await explain(await ctx.scope(), String(ctx.args[0]));
      ctx.print(e, () => formatExplanation(e));
    }),
  );
}
