/** The accessibility gate's checker: axe-core on a Playwright page, WCAG 2.1 A and AA rules only (DOS-lagen, EN 301 549). */
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

const RESULTS = path.resolve(__dirname, '..', '..', 'test-results');

/** WCAG 2.0 and 2.1, levels A and AA: what EN 301 549 asks of a web page, and nothing else (keeps each run short). */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** One element failing one rule on one page. */
export interface AxeFinding {
  rule: string;
  impact: string;
  page: string;
  target: string;
  summary: string;
}

/** A violation as the gate reports it: rule, impact, page and the element's selector. */
export const describeFinding = (f: AxeFinding) =>
  `${f.impact} ${f.rule} on ${f.page} at ${f.target}: ${f.summary.replace(/\s+/g, ' ')}`;

/**
 * Runs axe on the page as it is now and returns its serious and critical violations, one per element.
 * @param page - the page, loaded and in the state to check
 * @param label - how the report names the page (role and URL, or a state such as "waiting room")
 */
export async function seriousViolations(page: Page, label: string): Promise<AxeFinding[]> {
  // Folded content (a chart's table under <details>) is checked too: axe skips what is not rendered.
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  // Legacy mode: no blank page per run to merge results in (about a third faster here); it only skips
  // cross-origin frames, and the app's pages have none (CSP frame-src falls back to 'self').
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).setLegacyMode(true).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => ({
        rule: v.id,
        impact: v.impact!,
        page: label,
        target: n.target.map(String).join(' >> '),
        summary: n.failureSummary ?? v.help,
      })),
    );
}

/** Pages checked and what they failed, across the tests of one file. */
export class AxeGate {
  readonly checked: string[] = [];
  readonly findings: AxeFinding[] = [];

  /**
   * Checks the page and keeps what it found.
   * @param page - the page to check, as it is now
   * @param label - how the report names it
   * @returns the lines describing this page's violations (empty when it passes)
   */
  async check(page: Page, label: string): Promise<string[]> {
    const found = await seriousViolations(page, label);
    this.checked.push(label);
    this.findings.push(...found);
    return found.map(describeFinding);
  }

  summary(): string {
    return `axe: ${this.checked.length} pages checked, ${this.findings.length} serious or critical violations`;
  }

  /** Writes the pages checked and the violations to test-results/accessibility.json (evidence for the statement). */
  save(): void {
    fs.mkdirSync(RESULTS, { recursive: true });
    const report = { tags: WCAG_21_AA, checked: this.checked, findings: this.findings };
    fs.writeFileSync(path.join(RESULTS, 'accessibility.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
}
