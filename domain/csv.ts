/** CSV cells that a spreadsheet program would run as a formula are defused (OWASP "CSV Injection"). */

/** A cell starting with one of these is read as a formula (or, for tab and CR, can smuggle one in). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Prefixes a `'` to a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return,
 * so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it. Quoting the cell
 * for the CSV syntax itself (delimiters, quotes, line breaks) is the CSV writer's job, not this one's.
 * @param cell - one cell's text
 * @returns the cell, with a leading `'` when it would start a formula
 */
export function escapeCsvFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * Escapes every text cell of a row; numbers, booleans, dates and empty cells pass unchanged
 * (a number such as -5 is a value, not a formula).
 * @param row - one CSV record's cells
 */
export function escapeCsvRow<T>(row: readonly T[]): Array<T | string> {
  return row.map((c) => (typeof c === 'string' ? escapeCsvFormula(c) : c));
}
