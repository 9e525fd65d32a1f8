/** Writes BgMax files as Bankgirot sends them (RULES.md §8): one deposit, CRLF. For import tests and the demo's sample file. */

/** One 80-character record from 1-based [position, value] fields. */
function rec(tk: string, fields: Array<[number, string]>): string {
  const chars = `${tk}${' '.repeat(78)}`.split('');
  for (const [pos, v] of fields) v.split('').forEach((c, i) => (chars[pos - 1 + i] = c));
  return chars.join('');
}
const n = (v: number, w: number) => String(v).padStart(w, '0');

export interface BgMaxPaymentLine {
  /** An OCR reference (reference code 2, right-aligned) … */
  ocr?: string;
  /** … or free text as the payer wrote it (reference code 3). */
  text?: string;
  ore: number;
  /** Bankgirot's serial: a payment's identity together with bankgiro and day. */
  serial: number;
  payerName?: string;
}

/**
 * A file of one deposit of these payments (TK20, with TK26 where a payer name is given).
 * @param opts - `date` YYYY-MM-DD (payment and file date), the receiving bankgiro (digits), and `test`
 *   to mark it a test file (TK01 position 45 `T`, as Bankgirot's test files are)
 */
export function bgmaxFile(
  payments: BgMaxPaymentLine[],
  opts: { date?: string; receiver?: string; depositSerial?: number; test?: boolean } = {},
): string {
  const date = (opts.date ?? '2026-11-24').replace(/-/g, '');
  const lines = [
    rec('01', [
      [3, 'BGMAX'],
      [23, '01'],
      [25, `${date}083000000000`],
      [45, opts.test ? 'T' : 'P'],
    ]),
    rec('05', [
      [3, (opts.receiver ?? '55555555').padStart(10, '0')],
      [23, 'SEK'],
    ]),
  ];
  let sum = 0;
  for (const p of payments) {
    lines.push(
      rec('20', [
        [3, '0005050505'],
        [13, p.ocr ? p.ocr.padStart(25, ' ') : (p.text ?? '')],
        [38, n(p.ore, 18)],
        [56, p.ocr ? '2' : '3'],
        [57, '1'],
        [58, n(p.serial, 12)],
        [70, '0'],
      ]),
    );
    if (p.payerName) lines.push(rec('26', [[3, p.payerName]]));
    sum += p.ore;
  }
  lines.push(
    rec('15', [
      [3, n(12345678901234, 35)],
      [38, date],
      [46, n(opts.depositSerial ?? 1, 5)],
      [51, n(sum, 18)],
      [69, 'SEK'],
      [72, n(payments.length, 8)],
    ]),
    rec('70', [
      [3, n(payments.length, 8)],
      [11, n(0, 8)],
      [19, n(0, 8)],
      [27, n(1, 8)],
    ]),
  );
  return lines.join('\r\n') + '\r\n';
}
