import { escapeCsvFormula, escapeCsvRow } from './csv';

describe('CSV formula escaping (OWASP CSV injection)', () => {
  it.each(['=1+1', '+46701234567', '-2+3', '@SUM(A1:A2)', '\t=cmd', '\r=cmd', '=HYPERLINK("http://evil","x")'])(
    'prefixes a quote to %j so a spreadsheet shows it as text',
    (cell) => {
      expect(escapeCsvFormula(cell)).toBe(`'${cell}`);
    },
  );

  it.each(['', 'Anna Andersson', 'Kallelse skickad', '5555-5555', ' =not first', "'=already", 'a=b', '1-2'])(
    'leaves %j unchanged',
    (cell) => {
      expect(escapeCsvFormula(cell)).toBe(cell);
    },
  );

  it('escapes the text cells of a row and leaves numbers, booleans and nulls alone', () => {
    expect(escapeCsvRow(['=cmd|"/c calc"!A1', -5, 'ok', null, true, '@x'])).toEqual([
      `'=cmd|"/c calc"!A1`,
      -5,
      'ok',
      null,
      true,
      "'@x",
    ]);
  });
});
