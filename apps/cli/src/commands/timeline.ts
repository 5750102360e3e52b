// `timeline` (a contact's, company's or deal's emails, newest first) and `explain MESSAGE-ID`.
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import type { LookBudget } from '../ops/look-budget';
import type { LookResult } from '@reply-sync/operations/look-for-message';
import type { ExplainedDecision, Explanation, StoredVerification, Timeline, TimelineTarget } from '@reply-sync/operations/timeline';
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
    const line = `  ${formatDate(e.at)}  ${arrow}  ${e.from.address}  "${e.subject}"${extra}`;
    return e.senderVerification?.verified === false ? `${line}  [UNVERIFIED SENDER]\n${formatUnverified(e.senderVerification)}` : line;
  });
  return [head, ...lines].join('\n');
}

/** Why a logged reply's sender is not verified, indented under its timeline or explain line. */
function formatUnverified(v: StoredVerification): string {
  return `      sender not verified by the inbox's mail server: ${v.detail ?? 'no detail recorded'}`;
}

export function formatDecision(d: ExplainedDecision): string {
  return [
    `  ${formatDate(d.at)}  ${d.decision.toUpperCase()}  ${d.reasonCode}  (inbox ${d.inbox.address}, uid ${d.uid})`,
    `    ${d.sentence}`,
    ...(d.detail ? [`    detail: ${d.detail}`] : []),
  ].join('\n');
}

export function formatExplanation(e: Explanation<LookResult>): string {
  const lines = [`Message ${e.messageId}`];
  if (e.loggedEmail) {
    const what = e.loggedEmail.direction === 'outbound' ? `an email the CRM ${e.loggedEmail.source === 'crm_send' ? 'sent' : 'logged'}` : 'a reply on the timeline';
    lines.push(`  is ${what}: "${e.loggedEmail.subject}" (${formatDate(e.loggedEmail.at)}, email ${e.loggedEmail.id})`);
    if (e.loggedEmail.senderVerification?.verified === false) lines.push(formatUnverified(e.loggedEmail.senderVerification));
  }
  for (const d of e.inbound) {
    const where = d.folder !== null ? `read from the logging mailbox's ${d.folder} (as ${d.via === 'bcc' ? 'BCC' : 'forward'})` : `received at the ${d.via === 'bcc' ? 'BCC' : 'forwarding'} address`;
    lines.push(`  ${formatDate(d.at)}  ${where} from ${d.from ?? '?'}: ${d.decision} — ${d.reasonCode}`);
    lines.push(`    ${d.sentence}`);
    if (d.detail) lines.push(`    (${d.detail})`);
  }
  if (e.decisions.length === 0 && e.inbound.length > 0) {
    // Received by BCC: no inbox examined it, and none needs to.
  } else if (e.decisions.length === 0 && e.loggedEmail?.direction === 'outbound') {
    lines.push('  No decision is recorded for it: decisions are about messages found in connected inboxes, and the replies to this one get them.');
  } else if (e.decisions.length === 0) {
    lines.push('  No decision is recorded for it (no connected inbox has examined it: not synced yet, or filed outside the INBOX).');
  }
  lines.push(...e.decisions.map(formatDecision));
  if (e.looked) lines.push(...formatLook(e.looked));
  return lines.join('\n');
}

const OUTCOME_NOTE: Record<string, string> = {
  left_to_worker: 'in the INBOX past the sync checkpoint: the worker decides it on its next pass',
  not_recorded: 'it would be logged; only the sync worker logs replies',
};

export function formatLook(l: LookResult): string[] {
  const searched = l.inboxesSearched.map((i) => i.address).join(', ') || 'none';
  const lines = [`  Looked for it in the folders of: ${searched}.`];
  if (l.found.length === 0 && l.problems.length === 0) lines.push('  It is in none of their folders (deleted, or delivered to an inbox that is not connected).');
  for (const f of l.found) {
    const where = `${f.mailbox}${f.specialUse ? ` (${f.specialUse})` : ''} of ${f.inbox.address}, uid ${f.uid}`;
    const note = OUTCOME_NOTE[f.outcome];
    lines.push(`  found in ${where}: ${f.reasonCode}${note ? ` — ${note}` : f.outcome === 'recorded' ? ' (decision recorded now)' : ''}`);
  }
  for (const p of l.problems) lines.push(`  could not search ${p.inbox.address}: ${p.problem}`);
  if (l.notSearched.length > 0) lines.push(`  not searched before the deadline: ${l.notSearched.map((i) => i.address).join(', ')}`);
  if (!l.loginBudget.applied && l.loginBudget.note) lines.push(`  (${l.loginBudget.note})`);
  return lines;
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
      const { timelineFor } = await import('@reply-sync/operations/timeline');
      const t = await timelineFor(await ctx.scope(), target);
      ctx.print(t, () => formatTimeline(t));
    }),
  );

  withAccount(
    program
      .command('explain')
      .description(
        "every decision recorded for a message, with its reason sentence; when none is recorded, looks for it in the inboxes' folders (a reply filed outside the INBOX) and records the decision",
      )
      .argument('<message-id>')
      .option('--look', 'look in the folders of the inboxes even when a decision is recorded')
      .option('--no-look', 'only print what is recorded; do not connect to any inbox')
      .option('--inbox <id>', 'look only in this inbox'),
  ).action(
    rt.action(async (ctx) => {
      const s = await ctx.scope();
      const messageId = String(ctx.args[0]);
      const { explain } = await import('@reply-sync/operations/timeline');
      let e: Explanation<LookResult> = await explain(s, messageId);
      // --look → true, --no-look → false, neither → undefined (both defined, so commander sets no default).
      const lookFlag = ctx.opts.look === true ? 'always' : ctx.opts.look === false ? 'never' : 'auto';
      const outbound = e.loggedEmail?.direction === 'outbound';
      if (lookFlag === 'always' || (lookFlag === 'auto' && e.decisions.length === 0 && e.inbound.length === 0 && !outbound)) {
        const [{ lookForMessage }, { openLookBudget }] = await Promise.all([import('@reply-sync/operations/look-for-message'), import('../ops/look-budget')]);
        let budget: LookBudget | undefined;
        try {
          const looked = await lookForMessage(s, messageId, { inboxId: ctx.opts.inbox as string | undefined }, () => {
            budget = openLookBudget(ctx.env());
            return { keys: ctx.env().encryptionKeys(), tlsCa: ctx.env().tlsCa(), budget: budget.budget, budgetNote: budget.note };
          });
          e = { ...(await explain(s, messageId)), looked };
        } finally {
          await budget?.close();
        }
      }
      ctx.print(e, () => formatExplanation(e));
    }),
  );
}
