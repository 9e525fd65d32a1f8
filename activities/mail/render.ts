/** Renders the mail templates (Handlebars) to HTML and plain text. */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatKronor, stockholmTime } from '../../domain/format';
import { langOfTemplate, templateHelpers } from '../../domain/i18n';

const hbs = Handlebars.create();
// A patient's mail is in their language (the data's `lang`, issue 28); staff mail has none and reads Swedish.
hbs.registerHelper('stockholmTime', (v: unknown, o: unknown) => stockholmTime(v, langOfTemplate(o)));
hbs.registerHelper('kronor', (ore: unknown, o: unknown) => formatKronor(ore, langOfTemplate(o)));
hbs.registerHelper(templateHelpers((html) => new hbs.SafeString(html)));
const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Renders `templates/<name>.hbs`; the text part is the HTML with tags stripped.
 * @param name - template name, e.g. 'invitation'
 * @param data - the template's data (`lang`: the reader's language, else Swedish)
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
    // Handlebars' escapes of quotes and the like (a subject in quotes), then its ampersand.
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { html, text };
}
