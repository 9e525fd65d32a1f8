import fc from 'fast-check';
import { InvalidBgMaxError, parseBgMax } from './bgmax';

/** One 80-character record from 1-based [position, value] fields; numbers right-aligned with zeros. */
function rec(tk: string, fields: Array<[number, string | number, number?]>): string {
  const chars = `${tk}${' '.repeat(78)}`.split('');
  for (const [pos, value, width] of fields) {
    const v = typeof value === 'number' ? String(value).padStart(width!, '0') : value;
    v.split('').forEach((c, i) => (chars[pos - 1 + i] = c));
  }
  return chars.join('');
}

const tk01 = rec('01', [
  [3, 'BGMAX'],
  [23, '01'],
  [25, '20261124083000123456'],
  [45, 'P'],
]);
const tk05 = (bg: string) =>
  rec('05', [
    [3, bg.padStart(10, '0')],
    [23, 'SEK'],
  ]);
/** TK20/21/22/23: sender 3–12, reference 13–37, amount 38–55, reference code 56, channel 57, serial 58–69. */
const pay = (
  tk: string,
  o: { ref: string; right?: boolean; ore: number; code: number; channel?: number; serial?: string; deduction?: number },
) =>
  rec(tk, [
    [3, '0005050505'],
    [13, o.right ? o.ref.padStart(25, ' ') : o.ref],
    [38, o.ore, 18],
    [56, String(o.code)],
    [57, String(o.channel ?? 1)],
    [58, o.serial ?? '000000000001'],
    [70, '0'],
    ...(o.deduction !== undefined ? ([[71, String(o.deduction)]] as Array<[number, string]>) : []),
  ]);
const tk15 = (ore: number, count: number, serial: string) =>
  rec('15', [
    [3, '00000000000012345678901234567'],
    [38, '20261123'],
    [46, serial],
    [51, ore, 18],
    [69, 'SEK'],
    [72, count, 8],
  ]);
const tk70 = (c20: number, c21: number, c2223: number, c15: number) =>
  rec('70', [
    [3, c20, 8],
    [11, c21, 8],
    [19, c2223, 8],
    [27, c15, 8],
  ]);

/** Three deposits to the manual: OCR and free-text payments, a deduction, extra references, names, information. */
const SPEC = [
  tk01,
  tk05('9912346'),
  pay('20', { ref: '0000012351', right: true, ore: 27_500, code: 2 }),
  rec('26', [[3, 'Anna Andersson']]),
  rec('27', [
    [3, 'Storgatan 1'],
    [38, '11122'],
  ]),
  rec('28', [[3, 'STOCKHOLM']]),
  rec('29', [[3, '198503142385']]),
  pay('20', { ref: 'FAKTURA 4711', ore: 10_000, code: 3, channel: 3, serial: '000000000002' }),
  rec('25', [[3, 'Avser besök i mars']]),
  tk15(37_500, 2, '00001'),
  tk05('9912346'),
  pay('20', { ref: '1230', right: true, ore: 20_000, code: 2, serial: '000000000003' }),
  pay('21', { ref: '1230', right: true, ore: 5_000, code: 2, serial: '000000000004', deduction: 0 }),
  tk15(15_000, 2, '00002'),
  tk05('9912346'),
  pay('20', { ref: '', ore: 40_000, code: 0, serial: '000000000005' }),
  pay('22', { ref: '12351', right: true, ore: 30_000, code: 2 }),
  pay('23', { ref: '1230', right: true, ore: 5_000, code: 2 }),
  tk15(40_000, 1, '00003'),
  tk70(4, 1, 2, 3),
];

describe('BgMax (RULES.md §8)', () => {
  it('RULES §8: parses a file with 3 deposits, OCR and free-text payments, a deduction and extra references exactly', () => {
    const f = parseBgMax(SPEC.join('\n'));
    expect(f).toMatchObject({ version: '01', test: false, createdAt: '2026-11-24T08:30:00.123456' });
    expect(
      f.deposits.map((d) => [
        d.receiverBankgiro,
        d.currency,
        d.paymentDate,
        d.depositSerial,
        d.amountOre,
        d.paymentCount,
      ]),
    ).toEqual([
      ['9912346', 'SEK', '2026-11-23', '00001', 37_500, 2],
      ['9912346', 'SEK', '2026-11-23', '00002', 15_000, 2],
      ['9912346', 'SEK', '2026-11-23', '00003', 40_000, 1],
    ]);
    expect(f.deposits[0].payments).toEqual([
      {
        kind: 'payment',
        senderBankgiro: '5050505',
        reference: '0000012351',
        referenceCode: 2,
        amountOre: 27_500,
        channel: 1,
        bgcSerial: '000000000001',
        extraReferences: [],
        payerName: 'Anna Andersson',
        orgNumber: '198503142385',
        information: [],
      },
      {
        kind: 'payment',
        senderBankgiro: '5050505',
        reference: 'FAKTURA 4711',
        referenceCode: 3,
        amountOre: 10_000,
        channel: 3,
        bgcSerial: '000000000002',
        extraReferences: [],
        information: ['Avser besök i mars'],
      },
    ]);
    expect(f.deposits[1].payments.map((p) => [p.kind, p.amountOre])).toEqual([
      ['payment', 20_000],
      ['deduction', -5_000],
    ]);
    expect(f.deposits[2].payments[0]).toMatchObject({
      referenceCode: 0,
      reference: '',
      extraReferences: ['12351', '1230'],
    });
  });

  it('RULES §8: reads CRLF, records back to back, lost trailing blanks, a tab and unknown record types alike', () => {
    const crlf = parseBgMax(SPEC.join('\r\n') + '\r\n');
    expect(parseBgMax(SPEC.join(''))).toEqual(crlf);
    expect(parseBgMax(SPEC.map((r) => r.trimEnd()).join('\n'))).toEqual(crlf);
    // A tab standing for the blanks up to an 8-column stop inside a reference, as in one of Bankgirot's
    // samples: expanded, every later field (the amount too) stays in its column.
    const ocr = SPEC[2];
    expect(ocr.slice(16, 24)).toBe(' '.repeat(8));
    const tabbed = SPEC.map((r) => (r === ocr ? `${r.slice(0, 16)}\t${r.slice(24)}` : r));
    expect(parseBgMax(tabbed.join('\n'))).toEqual(crlf);
    const unknown = [...SPEC.slice(0, 3), rec('99', [[3, 'framtida posttyp']]), ...SPEC.slice(3)];
    expect(parseBgMax(unknown.join('\n'))).toEqual(crlf);
  });

  const lineOf = (lines: string[], tk: string, nth = 0) =>
    lines.map((l, i) => [l, i + 1] as const).filter(([l]) => l.startsWith(tk))[nth][1];
  const error = (lines: string[]) => {
    try {
      parseBgMax(lines.join('\n'));
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidBgMaxError);
      return { line: (e as InvalidBgMaxError).line, reason: (e as InvalidBgMaxError).reason };
    }
    throw new Error('parsed without an error');
  };

  it('RULES §8: a TK70 whose counts disagree with the file is refused at its line', () => {
    const bad = [...SPEC.slice(0, -1), tk70(5, 1, 2, 3)];
    expect(error(bad)).toEqual({ line: bad.length, reason: 'file-counts' });
  });

  it('RULES §8: a deposit total one öre off is refused at its TK15', () => {
    const bad = SPEC.map((r) => (r === SPEC[9] ? tk15(37_501, 2, '00001') : r));
    expect(error(bad)).toEqual({ line: 10, reason: 'deposit-amount' });
  });

  it('a TK20 cut off before its amount is refused at its line', () => {
    const bad = SPEC.map((r, i) => (i === 7 ? r.slice(0, 40) : r));
    expect(error(bad)).toEqual({ line: 8, reason: 'record-cut' });
  });

  it('a TK20 before any TK05 is refused at its line', () => {
    const bad = [tk01, SPEC[2], ...SPEC.slice(1)];
    expect(error(bad)).toEqual({ line: 2, reason: 'out-of-order' });
    expect(lineOf(bad, '20')).toBe(2);
  });

  it('a record longer than 80 characters, a wrong payment count and a missing end are refused', () => {
    expect(error(SPEC.map((r, i) => (i === 3 ? `${r}X` : r)))).toEqual({ line: 4, reason: 'record-too-long' });
    expect(error(SPEC.map((r) => (r === SPEC[13] ? tk15(15_000, 3, '00002') : r)))).toEqual({
      line: 14,
      reason: 'deposit-count',
    });
    expect(error(SPEC.slice(0, -1))).toEqual({ line: SPEC.length, reason: 'no-end' });
  });
});

describe('BgMax files of any shape (RULES.md §8)', () => {
  it('RULES §8: every file built to the manual parses back to its deposits and payments, with any line ends', () => {
    const payment = fc.record({
      ore: fc.integer({ min: 1, max: 10_000_000 }),
      ocr: fc.stringMatching(/^[1-9]\d{1,14}$/),
      deduction: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(payment, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('\n', '\r\n', ''),
        (deposits, eol) => {
          const lines = [tk01];
          let c20 = 0;
          let c21 = 0;
          deposits.forEach((ps, d) => {
            lines.push(tk05('9912346'));
            for (const p of ps) {
              lines.push(
                pay(p.deduction ? '21' : '20', {
                  ref: p.ocr,
                  right: true,
                  ore: p.ore,
                  code: 2,
                  deduction: p.deduction ? 0 : undefined,
                }),
              );
              if (p.deduction) c21++;
              else c20++;
            }
            const total = ps.reduce((a, p) => a + (p.deduction ? -p.ore : p.ore), 0);
            // A deposit's total cannot be negative in a real file; such draws are left out.
            lines.push(tk15(Math.max(0, total), ps.length, String(d + 1).padStart(5, '0')));
          });
          lines.push(tk70(c20, c21, 0, deposits.length));
          const totals = deposits.map((ps) => ps.reduce((a, p) => a + (p.deduction ? -p.ore : p.ore), 0));
          fc.pre(totals.every((t) => t >= 0));
          const f = parseBgMax(lines.join(eol));
          expect(f.deposits.map((d) => d.amountOre)).toEqual(totals);
          expect(f.deposits.flatMap((d) => d.payments.map((p) => [p.reference, p.amountOre]))).toEqual(
            deposits.flat().map((p) => [p.ocr, p.deduction ? -p.ore : p.ore]),
          );
        },
      ),
    );
  });
});
