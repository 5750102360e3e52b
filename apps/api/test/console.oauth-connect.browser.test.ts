// In Chromium, against the real stack: an admin connects a Gmail and an Office 365 inbox from the
// console's Connect page. The provider button starts the API's web sign-in, the browser lands on the fake
// provider's consent page (the stack's fake OAuth server), Allow brings it back through the callback (the
// XOAUTH2 login against the stack's Dovecot) to the inboxes page, where the new inbox is connected. Deny
// comes back to a page with the sentence, and nothing is saved.
import type { OAuthProviderName } from '@reply-sync/mail';
import { createMailUser, removeMailUser, type MailUser } from '@reply-sync/testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUser, screenshot, signIn, startConsoleBrowser, textOf, type ConsoleBrowser } from './console-browser';
import type { TestAccount } from './helpers';
import { webSignInFixture, type WebSignInFixture } from './web-sign-in-fixture';

let cb: ConsoleBrowser;
let fixture: WebSignInFixture;
let a: TestAccount;
let admin: string;
const mailUsers: MailUser[] = [];

beforeAll(async () => {
  fixture = webSignInFixture();
  cb = await startConsoleBrowser({ webSignIn: fixture.config });
  fixture.config.publicUrl = cb.url;
  a = await cb.api.account();
  admin = await consoleUser(a, 'admin');
});
afterAll(async () => {
  await cb?.close();
  fixture?.close();
  for (const u of mailUsers) await removeMailUser(u).catch(() => undefined);
});

const BUTTON: Record<OAuthProviderName, string> = { gmail: 'Sign in with Google', office365: 'Sign in with Microsoft' };

async function toConsent(provider: OAuthProviderName): Promise<{ page: Page; mail: MailUser }> {
  const mail = await createMailUser({ profile: provider === 'gmail' ? 'gmail' : 'standard' });
  mailUsers.push(mail);
  await a.s.users.add({ email: mail.address, name: `Ana ${provider}` });
  // The fake provider serves its consent page over HTTPS with the stack's own certificate.
  const context = await cb.browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true, locale: 'en-GB' });
  const page = await context.newPage();
  await signIn(page, cb.url, admin);
  await page.getByRole('link', { name: 'Connect an inbox' }).click();
  const oauth = page.locator('#oauth-form');
  await oauth.getByLabel('Whose inbox').selectOption(mail.address);
  await oauth.getByRole('button', { name: BUTTON[provider] }).click();
  // The provider's page: the account is pre-filled from login_hint.
  await page.getByRole('button', { name: 'Allow' }).waitFor({ timeout: 15_000 });
  expect(await page.getByLabel('Account').inputValue()).toBe(mail.address);
  return { page, mail };
}

describe('connect Gmail and Office 365 from the console', () => {
  for (const provider of ['gmail', 'office365'] as const) {
    it(`${provider}: Allow on the provider's consent page connects the inbox`, async () => {
      const { page, mail } = await toConsent(provider);
      if (provider === 'gmail') await screenshot(page, 'oauth-consent');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(/\/console\/inboxes/, { timeout: 20_000 });
      expect(await textOf(page.getByRole('row').filter({ hasText: mail.address }))).toMatch(/connected/i);
      const inbox = (await a.s.inboxes.list()).find((i) => i.address === mail.address);
      expect(inbox?.provider).toBe(provider);
      expect(inbox?.status).toBe('connected');
    });

    it(`${provider}: Deny comes back to the sentence and saves nothing`, async () => {
      const { page, mail } = await toConsent(provider);
      await page.getByRole('button', { name: 'Deny' }).click();
      await page.waitForURL(/\/oauth\/.*\/callback/, { timeout: 20_000 });
      expect(await textOf(page.locator('body'))).toMatch(/consent|allow/i);
      expect((await a.s.inboxes.list()).some((i) => i.address === mail.address)).toBe(false);
    });
  }
});
