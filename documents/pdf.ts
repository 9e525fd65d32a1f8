/** HTML → PDF through Debian's chromium (playwright-core): one browser per process, started on first use. */
import { chromium, type Browser } from 'playwright-core';

export interface PdfRenderer {
  /** A4 PDF of a self-contained HTML page (its print CSS applies). */
  render(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

export function createPdfRenderer(executablePath: string): PdfRenderer {
  let browser: Promise<Browser> | null = null;
  const launch = () =>
    chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] }).then((b) => {
      // A crashed browser is started again on the next document instead of failing every one after it.
      b.on('disconnected', () => (browser = null));
      return b;
    });
  return {
    async render(html) {
      browser ??= launch();
      const page = await (await browser).newPage({ javaScriptEnabled: false });
      try {
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await page.close();
      }
    },
    async close() {
      const b = browser;
      browser = null;
      if (b) await (await b).close().catch(() => undefined);
    },
  };
}
