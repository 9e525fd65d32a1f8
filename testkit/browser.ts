/** Headless Debian Chromium through playwright-core, with fake camera and microphone. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: npm test installs Debian's chromium (scripts/bootstrap.sh --browser)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      // Janus offers only loopback candidates in tests; Chromium skips loopback unless told.
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
      // A Swedish browser, as most patients' are: the patient's pages follow Accept-Language until the
      // patient chooses (issue 28); a context with its own `locale` (the English test) overrides it.
      '--accept-lang=sv-SE,sv',
    ],
  });
}

export const SCREENSHOTS = path.resolve(__dirname, '..', 'test-results', 'screenshots');

/** A full-page screenshot at test-results/screenshots/<name>.png (`name` may hold a folder). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
}
