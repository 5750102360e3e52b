// The top menu in English, Dutch and Polish (the longer strings), measured in Debian's Chromium on the real
// pages. At 1280 × 800 the brand and every menu item of an admin sit on one row, and the signed-in line
// ("Signed in as … (admin)") with the sign-out button is shown whole: not clipped, not cut with an
// ellipsis, inside the window (beside the menu when it fits, else on a second row of the header). At 390 px
// the signed-in line is whole too, nothing runs off the screen, and the sign-out button works.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRINGS } from '../src/console/strings';
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

const LANGUAGES = ['en', 'nl', 'pl'] as const;
type Language = (typeof LANGUAGES)[number];

/** A new admin of the language, signed in through the form in a window of this width. */
async function signedIn(language: Language, width: number): Promise<{ page: Page; email: string; close(): Promise<void> }> {
  // The same length of address in each language, so only the strings differ.
  const email = `${language}-admin-${String(width).padStart(4, '0')}-${a.accountId.slice(0, 8)}@example.com`;
  await a.s.consoleUsers.create({ email, password: CONSOLE_PASSWORD, role: 'admin', language });
  const context = await cb.browser.newContext({ viewport: { width, height: width > 800 ? 800 : 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${cb.url}/console/login`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(CONSOLE_PASSWORD);
  await page.locator('input[name=password]').press('Enter');
  await page.waitForURL(/\/console\/inboxes/);
  expect(await page.locator('html').getAttribute('lang')).toBe(language);
  return { page, email, close: () => context.close() };
}

const box = async (locator: Locator) => {
  const b = (await locator.boundingBox())!;
  return { left: b.x, top: b.y, bottom: b.y + b.height, right: b.x + b.width, height: b.height };
};

/**
 * Whether the signed-in line shows its whole text: no box of it scrolls or clips its content (the text is
 * as wide as what shows of it), no ellipsis, and every line of the text inside the window.
 */
async function signedInLineShown(page: Page): Promise<{ text: string; clipped: string[]; outside: number }> {
  // Runs in the page; through the element's own document and window (this package's TypeScript has no DOM globals).
  return page.locator('header.top .who').evaluate((who) => {
    const doc = who.ownerDocument;
    const win = doc.defaultView!;
    const clipped: string[] = [];
    for (const el of [who, ...who.querySelectorAll('*')]) {
      const style = win.getComputedStyle(el);
      if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') clipped.push(`${el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`);
      if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth) clipped.push(`${el.tagName}: ellipsis`);
    }
    const span = who.querySelector('span')!;
    const range = doc.createRange();
    range.selectNodeContents(span);
    const outside = [...range.getClientRects()].filter((r) => r.left < 0 || r.right > win.innerWidth + 0.5).length;
    return { text: (span as typeof who).innerText, clipped, outside };
  });
}

const pageWidth = (page: Page) => page.locator('html').evaluate((root) => root.scrollWidth);

describe('console top menu at 1280 px', () => {
  for (const language of LANGUAGES) {
    it(`has the menu on one row and the whole signed-in line in ${language}`, async () => {
      const { page, email, close } = await signedIn(language, 1280);
      try {
        const header = page.locator('header.top');
        const boxes = {
          header: await box(header),
          brand: await box(header.locator('.brand')),
          items: await Promise.all((await header.locator('nav li').all()).map(box)),
          who: await box(header.locator('.who')),
          line: 24, // the stylesheet's 16px/1.5
        };
        expect(boxes.items).toHaveLength(6); // Inboxes, Connect, Explain, Timeline, Activity, Settings
        // The menu on one row: every item's vertical middle within a few pixels of the brand's.
        const middle = (b: { top: number; bottom: number }) => (b.top + b.bottom) / 2;
        for (const b of boxes.items) expect(Math.abs(middle(b) - middle(boxes.brand)), JSON.stringify(boxes)).toBeLessThan(6);
        // The signed-in line, whole: the address and the role in the language, nothing cut.
        const role = STRINGS[language].role_admin;
        const shown = await signedInLineShown(page);
        expect(shown.text).toBe(STRINGS[language].signed_in_as.replace('{email}', email).replace('{role}', role));
        expect(shown.clipped, JSON.stringify(shown)).toEqual([]);
        expect(shown.outside, JSON.stringify(shown)).toBe(0);
        expect(boxes.who.left).toBeGreaterThanOrEqual(0);
        expect(boxes.who.right).toBeLessThanOrEqual(1280);
        // On one line of its own at most: the header is at most two rows high (its padding plus two lines).
        expect(boxes.who.height, JSON.stringify(boxes)).toBeLessThan(boxes.line * 1.5);
        expect(boxes.header.height, JSON.stringify(boxes)).toBeLessThan(boxes.line * 3 + 8);
        // The sign-out button beside it, not under the menu's items or off the edge.
        const signOut = await box(header.getByRole('button', { name: STRINGS[language].sign_out }));
        expect(signOut.right).toBeLessThanOrEqual(1280);
        expect(Math.abs(middle(signOut) - middle(boxes.who))).toBeLessThan(6);
        for (const item of boxes.items) expect(signOut.top >= item.bottom || signOut.left >= item.right || signOut.right <= item.left).toBe(true);
        expect(await pageWidth(page)).toBeLessThanOrEqual(1280);
        await screenshot(page, `menu-1280-${language}`);
      } finally {
        await close();
      }
    }, 60_000);
  }
});

describe('console top menu at 390 px', () => {
  for (const language of LANGUAGES) {
    it(`shows the whole signed-in line and signs out from it in ${language}`, async () => {
      const { page, email, close } = await signedIn(language, 390);
      try {
        const shown = await signedInLineShown(page);
        expect(shown.text.replace(/\s+/g, ' ')).toBe(STRINGS[language].signed_in_as.replace('{email}', email).replace('{role}', STRINGS[language].role_admin));
        expect(shown.clipped, JSON.stringify(shown)).toEqual([]);
        expect(shown.outside, JSON.stringify(shown)).toBe(0);
        // Nothing of the page wider than the phone.
        expect(await pageWidth(page)).toBeLessThanOrEqual(390);
        const signOut = page.locator('header.top').getByRole('button', { name: STRINGS[language].sign_out });
        const b = await box(signOut);
        expect(b.left).toBeGreaterThanOrEqual(0);
        expect(b.right).toBeLessThanOrEqual(390);
        await screenshot(page, `menu-390-${language}`);
        // Usable from the keyboard: focus the button, press Enter, and the session ends.
        await signOut.focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/console\/login/);
        expect((await page.goto(`${cb.url}/console/inboxes`))?.url()).toMatch(/\/console\/login/);
      } finally {
        await close();
      }
    }, 60_000);
  }
});
