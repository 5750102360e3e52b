// The Settings pages' own menu (never-log list, tracking, API keys, webhooks), under the page heading.
import { html, type Html } from '../html';
import type { ConsoleContext } from '../console-session';
import type { StringKey } from '../strings';

export type SettingsSection = 'never-log' | 'tracking' | 'api-keys' | 'webhooks';

const SECTIONS: { section: SettingsSection; label: StringKey }[] = [
  { section: 'never-log', label: 'settings_never_log' },
  { section: 'tracking', label: 'settings_tracking' },
  { section: 'api-keys', label: 'settings_api_keys' },
  { section: 'webhooks', label: 'settings_webhooks' },
];

export function settingsNav(ctx: ConsoleContext, current: SettingsSection): Html {
  return html`<nav class="subnav" aria-label="${ctx.say('nav_settings')}"><ul>${SECTIONS.map(
    (s) => html`<li><a href="/console/settings/${s.section}"${s.section === current ? html` aria-current="page"` : ''}>${ctx.say(s.label)}</a></li>`,
  )}</ul></nav>`;
}
