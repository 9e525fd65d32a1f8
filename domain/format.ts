/** How staff and patients read times and money: instants in Europe/Stockholm, integer öre as kronor. */
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
