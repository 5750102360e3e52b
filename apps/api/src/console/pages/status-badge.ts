// An inbox status or a decision outcome as a labelled badge (text, not colour alone, carries the meaning).
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';

export function statusBadge(ctx: ConsoleContext, status: string): Html {
  const key = status === 'connected' ? 'status_connected' : status === 'disconnected' ? 'status_disconnected' : 'status_removed';
  return html`<span class="badge ${status}">${ctx.say(key)}</span>`;
}

export function decisionBadge(ctx: ConsoleContext, decision: string): Html {
  return html`<span class="badge ${decision === 'logged' ? 'logged' : 'skipped'}">${ctx.say(decision === 'logged' ? 'decision_logged' : 'decision_skipped')}</span>`;
}
