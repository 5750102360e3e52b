// The fleet's login budget settings: logins per second per IMAP host (LOGIN_RATE_PER_HOST) and extra
// connections per mailbox account (EXTRA_CONNECTIONS_PER_ACCOUNT), parsed once with a sentence for a
// bad value. Every worker and the CLI must use the same values: the Redis state is shared, the rate
// and cap each call applies are its caller's.

export interface HostRate {
  /** Logins per second, across every worker process. */
  perSecond: number;
  /** Logins allowed at once after a quiet period (a bucket of this size, refilled at perSecond). */
  burst: number;
}

export interface LoginBudgetConfig {
  /** For hosts without an entry of their own. */
  defaultRate: HostRate;
  /** Lower-cased host → its rate. */
  hostRates: ReadonlyMap<string, HostRate>;
  /**
   * Short connections per account besides its IDLE session (the send path's Sent copy, the CLI's
   * `explain --look`). Gmail allows 15 connections per account, shared with the user's own mail apps.
   */
  extraConnectionsPerAccount: number;
}

/**
 * Defaults: 20 logins/s per host (a fleet restart of 2,000 inboxes on one server takes ~100 s), 10/s
 * for Gmail and Microsoft 365, whose limits are not published and whose penalties (an account
 * suspended for hours, sessions refused) cost far more than a slower restart; 3 extra connections.
 */
export const DEFAULT_LOGIN_BUDGET: LoginBudgetConfig = {
  defaultRate: { perSecond: 20, burst: 40 },
  hostRates: new Map([
    ['imap.gmail.com', { perSecond: 10, burst: 20 }],
    ['outlook.office365.com', { perSecond: 10, burst: 20 }],
  ]),
  extraConnectionsPerAccount: 3,
};

export class LoginBudgetConfigError extends Error {
  readonly code = 'login_budget_config_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'LoginBudgetConfigError';
  }
}

const ENTRY = /^(?:([^=\s]+)\s*=\s*)?(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute))?\s*(?::\s*(\d+))?$/i;
const EXAMPLE = 'e.g. LOGIN_RATE_PER_HOST=30,imap.gmail.com=10/s:20,mail.example.com=600/m';

/** The host as budget keys and rate entries use it. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * `[host=]rate[/s|/m][:burst]`, comma-separated; an entry without a host sets the default for all
 * others; burst defaults to two seconds' worth. Hosts not named keep DEFAULT_LOGIN_BUDGET's rates.
 */
export function parseLoginRates(text: string | undefined, base: LoginBudgetConfig = DEFAULT_LOGIN_BUDGET): Pick<LoginBudgetConfig, 'defaultRate' | 'hostRates'> {
  let defaultRate = base.defaultRate;
  const hostRates = new Map(base.hostRates);
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = ENTRY.exec(entry);
    if (!m) throw new LoginBudgetConfigError(`LOGIN_RATE_PER_HOST entry "${entry}" is not [host=]rate[/s|/m][:burst] (${EXAMPLE}).`);
    const [, host, amount, unit, burstText] = m;
    const perSecond = Number(amount) / (unit && unit.toLowerCase().startsWith('m') ? 60 : 1);
    if (!(perSecond > 0)) throw new LoginBudgetConfigError(`LOGIN_RATE_PER_HOST entry "${entry}" allows no logins; give a rate above 0 (${EXAMPLE}).`);
    const burst = burstText !== undefined ? Number(burstText) : Math.max(1, Math.ceil(perSecond * 2));
    if (!(burst >= 1)) throw new LoginBudgetConfigError(`LOGIN_RATE_PER_HOST entry "${entry}" has a burst of 0; give at least 1 (${EXAMPLE}).`);
    const rate = { perSecond, burst };
    if (host) hostRates.set(normalizeHost(host), rate);
    else defaultRate = rate;
  }
  return { defaultRate, hostRates };
}

/** LOGIN_RATE_PER_HOST and EXTRA_CONNECTIONS_PER_ACCOUNT from an environment; throws LoginBudgetConfigError. */
export function loginBudgetConfigFromEnv(source: Record<string, string | undefined>): LoginBudgetConfig {
  const extra = source.EXTRA_CONNECTIONS_PER_ACCOUNT?.trim();
  let extraConnectionsPerAccount = DEFAULT_LOGIN_BUDGET.extraConnectionsPerAccount;
  if (extra) {
    extraConnectionsPerAccount = Number(extra);
    if (!Number.isInteger(extraConnectionsPerAccount) || extraConnectionsPerAccount < 1 || extraConnectionsPerAccount > 14) {
      throw new LoginBudgetConfigError(
        `EXTRA_CONNECTIONS_PER_ACCOUNT is "${extra}"; give a whole number from 1 to 14 (the IDLE session takes one more, and Gmail allows 15 per account, shared with the user's own apps).`,
      );
    }
  }
  return { ...parseLoginRates(source.LOGIN_RATE_PER_HOST), extraConnectionsPerAccount };
}

export function rateFor(config: Pick<LoginBudgetConfig, 'defaultRate' | 'hostRates'>, host: string): HostRate {
  return config.hostRates.get(normalizeHost(host)) ?? config.defaultRate;
}
