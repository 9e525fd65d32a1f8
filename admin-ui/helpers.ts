/**
 * Handlebars helpers: Stockholm times and kronor (the formats live in domain/format) and the patient's
 * side's texts `t`/`th` (domain/i18n), each in the page's language: the patient's pages set `lang`,
 * every other page reads Swedish.
 */
import Handlebars from 'handlebars';
import { formatKronor, stockholmTime } from '../domain/format';
import { langOfTemplate, templateHelpers } from '../domain/i18n';

export const helpers = {
  stockholmTime: (v: unknown, options: unknown) => stockholmTime(v, langOfTemplate(options)),
  kronor: (ore: unknown, options: unknown) => formatKronor(ore, langOfTemplate(options)),
  ...templateHelpers((html) => new Handlebars.SafeString(html)),
  eq: (a: unknown, b: unknown) => a === b,
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  json: (v: unknown) => JSON.stringify(v, null, 2),
};
