/** Renders the mail templates (Handlebars) to HTML and plain text. */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatKronor, stockholmTime } from '../../domain/format';

const hbs = Handlebars.create();
hbs.registerHelper('stockholmTime', stockholmTime);
hbs.registerHelper('kronor', formatKronor);
const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Renders `templates/<name>.hbs`; the text part is the HTML with tags stripped.
 * @param name - template name, e.g. 'invitation'
 * @param data - the template's data
 */
export function renderMail(name: string, data: Record<string, unknown>): { html: string; text: string } {
  let tpl = cache.get(name);
  if (!tpl) {
    tpl = hbs.compile(fs.readFileSync(path.join(__dirname, 'templates', `${name}.hbs`), 'utf8'), { strict: true });
    cache.set(name, tpl);
  }
  const html = tpl(data);
  const text = html
    .replace(/<(br|\/p|\/li|\/h\d)>/gi, '\n')
    .replace(/<li>/gi, '- ')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { html, text };
}
