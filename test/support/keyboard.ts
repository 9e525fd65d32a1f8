/**
 * Keyboard-only walks (issue 28): Tab to a control, check that its focus is visible, press a key. No
 * clicks and no `fill`: what a walk does, a person with only a keyboard can do.
 */
import type { Page } from 'playwright-core';

/** What has focus now: a short description, and whether its focus indicator is visible. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { what: 'body', visible: false };
    const style = getComputedStyle(el);
    // WCAG 2.4.7: the browser's own ring ('auto'), a drawn one of at least 2 px, or a box shadow.
    const ring =
      style.outlineStyle === 'auto' || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2);
    const shadow = style.boxShadow !== 'none';
    const label = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
    const what = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${
      el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''
    } "${label}"`;
    return { what, visible: ring || shadow };
  });

/**
 * Presses Tab (Shift+Tab with `back`) until the element matching `selector` has focus, and checks its
 * focus is visible. Fails naming every stop on the way when it never gets there.
 */
export async function tabTo(page: Page, selector: string, { back = false, max = 80 } = {}): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      const now = await focused(page);
      if (!now.visible) throw new Error(`focus on ${now.what} is not visible`);
      return;
    }
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    stops.push((await focused(page)).what);
  }
  throw new Error(`Tab never reached ${selector}; it went: ${stops.join(' → ')}`);
}

/** Tabs to `selector` and presses Enter (a link, a button, a summary). */
export async function pressOn(page: Page, selector: string, key = 'Enter'): Promise<void> {
  await tabTo(page, selector);
  await page.keyboard.press(key);
}

/** Tabs to a text field and types into it, as a person would. */
export async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

/** The id (or tag) of what has focus now, to check that focus moved to what changed. */
export const focusedId = (page: Page) =>
  page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName.toLowerCase() || null);
