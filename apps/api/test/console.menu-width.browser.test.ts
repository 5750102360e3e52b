// The top menu at 1280 × 800 fits on one line in English, Dutch and Polish (the longer strings): the brand,
// every menu item of an admin and the signed-in user with the sign-out button sit on one row, and the header
// is one row high. Measured in Debian's Chromium on the real pages.
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
        const boxes = await page.evaluate(() => {
          const box = (el: Element) => {
            const r = el.getBoundingClientRect();
            return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
          };
          const header = document.querySelector('header.top')!;
          return {
            header: box(header),
            brand: box(header.querySelector('.brand')!),
            items: [...header.querySelectorAll('nav li')].map(box),
            who: box(header.querySelector('.who')!),
            line: parseFloat(getComputedStyle(document.documentElement).lineHeight) || 24,
          };
        });
        expect(boxes.items).toHaveLength(5);
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
