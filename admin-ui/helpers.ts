/** Handlebars helpers: Stockholm times and kronor, the way staff read them. */
const dateTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  dateStyle: 'short',
  timeStyle: 'short',
});
const kronor = new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK', minimumFractionDigits: 2 });

/** An instant shown in Europe/Stockholm, e.g. '2026-11-23 14:05'. */
export function stockholmTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? '–' : dateTime.format(d);
}

/** Integer öre shown as kronor, e.g. 27500 → '275,00 kr'. */
export function formatKronor(ore: unknown): string {
  return typeof ore === 'number' && Number.isFinite(ore) ? kronor.format(ore / 100) : '–';
}

export const helpers = {
  stockholmTime,
  kronor: formatKronor,
  eq: (a: unknown, b: unknown) => a === b,
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  json: (v: unknown) => JSON.stringify(v, null, 2),
};
