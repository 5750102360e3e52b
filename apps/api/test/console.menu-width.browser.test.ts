// The top menu at 1280 × 800 fits on one line in English, Dutch and Polish (the longer strings): the brand,
// every menu item of an admin and the signed-in user with the sign-out button sit on one row, and the header
// is one row high. Measured in Debian's Chromium on the real pages.
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PASSWORD, screenshot, startConsoleBrowser, type ConsoleBrowser } from './console-browser';
import type { TestAccount } from './helpers';

let cb: ConsoleBrowser;
let a: TestAccount;

beforeAll(async () => {
  cb = await startConsoleBrowser();
  a = await cb.api.account();
}, 60_000);
afterAll(async () => {
  await cb?.close();
});

describe('console top menu at 1280 px', () => {
  for (const language of ['en', 'nl', 'pl'] as const) {
    it(`fits on one line in ${language}`, async () => {
      // The same length of address in each language, so only the strings differ.
      const email = `${language}-admin-${a.accountId.slice(0, 8)}@example.com`;
      await a.s.consoleUsers.create({ email, password: CONSOLE_PASSWORD, role: 'admin', language });
      const context = await cb.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
      try {
        const page = await context.newPage();
        await page.goto(`${cb.url}/console/login`);
        await page.locator('input[name=email]').fill(email);
        await page.locator('input[name=password]').fill(CONSOLE_PASSWORD);
        await page.locator('input[name=password]').press('Enter');
        await page.waitForURL(/\/console\/inboxes/);
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        const box = async (locator: Locator) => {
          const b = (await locator.boundingBox())!;
          return { top: b.y, bottom: b.y + b.height, right: b.x + b.width, height: b.height };
        };
        const header = page.locator('header.top');
        const boxes = {
          header: await box(header),
          brand: await box(header.locator('.brand')),
          items: await Promise.all((await header.locator('nav li').all()).map(box)),
          who: await box(header.locator('.who')),
          line: 24, // the stylesheet's 16px/1.5
        };
        expect(boxes.items).toHaveLength(6); // Inboxes, Connect, Explain, Timeline, Activity, Settings
        // One row: everything's vertical middle within a few pixels of the brand's.
        const middle = (b: { top: number; bottom: number }) => (b.top + b.bottom) / 2;
        for (const b of [...boxes.items, boxes.who]) expect(Math.abs(middle(b) - middle(boxes.brand)), JSON.stringify(boxes)).toBeLessThan(6);
        // And the header one row high (its padding plus one line), not two.
        expect(boxes.header.height, JSON.stringify(boxes)).toBeLessThan(boxes.line * 2 + 8);
        // Nothing off the right edge.
        expect(boxes.who.right).toBeLessThanOrEqual(1280);
        await screenshot(page, `menu-1280-${language}`);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
