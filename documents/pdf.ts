/** HTML → PDF through Debian's chromium (playwright-core): one browser per process, started on first use. */
import { chromium, type Browser, type Page } from 'playwright-core';

export interface PdfRenderer {
  /** A4 PDF of a self-contained HTML page (its print CSS applies). */
  render(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

export function createPdfRenderer(executablePath: string, pages = 2): PdfRenderer {
  let browser: Promise<Browser> | null = null;
  // A few pages kept open and reused: opening a page (and its context) per document costs a third more.
  let idle: Page[] = [];
  const waiting: Array<(p: Page) => void> = [];
  let open = 0;
  const launch = () =>
    chromium
      .launch({
        executablePath,
        args: ['--headless', '--no-sandbox', '--disable-gpu'],
        // The worker closes it after its running activities have finished; Playwright's own handlers
        // would close it at the signal, under a PDF being rendered.
        handleSIGTERM: false,
        handleSIGINT: false,
        handleSIGHUP: false,
      })
      .then((b) => {
        // A crashed browser is started again on the next document instead of failing every one after it.
        b.on('disconnected', () => {
          browser = null;
          idle = [];
          open = 0;
        });
        return b;
      });
  const take = async (): Promise<Page> => {
    browser ??= launch();
    const b = await browser;
    const page = idle.pop();
    if (page) return page;
    if (open < pages) {
      open++;
      return b.newPage({ javaScriptEnabled: false });
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const give = (page: Page) => {
    const next = waiting.shift();
    if (next) next(page);
    else idle.push(page);
  };
  return {
    async render(html) {
      const page = await take();
      let healthy = true;
      try {
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } catch (err) {
        healthy = false;
        throw err;
      } finally {
        if (healthy && !page.isClosed()) give(page);
        else {
          // A page that failed is replaced, so nobody waiting for one waits forever.
          open--;
          void page.close().catch(() => undefined);
          const next = waiting.shift();
          if (next) void take().then(next);
        }
      }
    },
    async close() {
      const b = browser;
      browser = null;
      idle = [];
      open = 0;
      if (b) await (await b).close().catch(() => undefined);
    },
  };
}
