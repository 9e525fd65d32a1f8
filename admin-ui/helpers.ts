/** Handlebars helpers: Stockholm times and kronor, the way staff read them (the formats live in domain/format). */
import { formatKronor, stockholmTime } from '../domain/format';

export const helpers = {
  stockholmTime,
  kronor: formatKronor,
  eq: (a: unknown, b: unknown) => a === b,
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  json: (v: unknown) => JSON.stringify(v, null, 2),
};
