// Shared set-up for the console's browser tests: the API listening on loopback (a real HTTP server),
// Debian's Chromium driven by playwright-core, console users of a fresh account, and screenshots of the
// pages into docs/screenshots/ (README shows them).
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestApi, type TestAccount, type TestApi } from './helpers';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Into docs/screenshots/ (what README shows) when REPLY_SYNC_SCREENSHOTS=1; otherwise into a folder under the
// system's temp dir, so an ordinary `npm test` still takes them but leaves the checkout unchanged.
const SCREENSHOTS = process.env.REPLY_SYNC_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url)) : join(tmpdir(), 'reply-sync-console-screenshots/');
export const CONSOLE_PASSWORD = 'a long console password';

export interface ConsoleBrowser {
  api: TestApi;
  /** http://127.0.0.1:PORT */
  url: string;
  browser: Browser;
  /** A new browser context (its own cookies) at a width: 1280 (desktop) or 390 (phone). */
  context(width?: number): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function startConsoleBrowser(options: Parameters<typeof startTestApi>[0] = {}): Promise<ConsoleBrowser> {
  const api = await startTestApi(options);
  const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const contexts: BrowserContext[] = [];
  return {
    api,
    url: address,
    browser,
    async context(width = 1280) {
      const c = await browser.newContext({ viewport: { width, height: width > 800 ? 900 : 844 }, locale: 'en-GB', deviceScaleFactor: 1 });
      contexts.push(c);
      return c;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await api.close();
    },
  };
}

export async function consoleUser(t: TestAccount, role: 'support' | 'admin', language: 'en' | 'nl' | 'pl' | null = null): Promise<string> {
  const email = `${role}-${t.accountId.slice(0, 8)}@example.com`;
  await t.s.consoleUsers.create({ email, password: CONSOLE_PASSWORD, role, language });
  return email;
}

/** Signs in through the form, as a person would (keyboard: type, Enter). */
export async function signIn(page: Page, url: string, email: string, password = CONSOLE_PASSWORD): Promise<void> {
  await page.goto(`${url}/console/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(/\/console\/inboxes/);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Inboxes');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** The visible text of the first match, once it is visible (playwright-core has no expect matchers of its own). */
export async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 });
  return locator.first().innerText();
}
