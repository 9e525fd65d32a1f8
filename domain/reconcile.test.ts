import fc from 'fast-check';
import { InvoiceBalance, IncomingPayment, reconcile } from './reconcile';

const invoice = (id: string, ocr: string, amountOre: number, paidOre = 0): InvoiceBalance => ({
  id,
  ocr,
  amountOre,
  paidOre,
});
const payment = (key: string, reference: string, amountOre: number, referenceCode = 2): IncomingPayment => ({
  key,
  reference,
  referenceCode,
  amountOre,
});

describe('reconciling payments with invoices (RULES.md §8 matching)', () => {
  it('RULES §8: a correct OCR pays its invoice; partly, exactly or too much', () => {
    const r = reconcile(
      [invoice('a', '12351', 27_500), invoice('b', '1230', 10_000), invoice('c', '4564', 5_000)],
      [payment('p1', '0000012351', 27_500), payment('p2', '1230', 4_000), payment('p3', '4564', 6_000)],
      new Set(),
    );
    expect(r.results.map((x) => [x.invoiceId, x.outcome])).toEqual([
      ['a', 'paid'],
      ['b', 'partly-paid'],
      ['c', 'overpaid'],
    ]);
    expect(r.totals).toEqual({ fileOre: 37_500, matchedOre: 37_500, unmatchedOre: 0, alreadyImportedOre: 0 });
  });

  it('RULES §8: another reference code, an unknown OCR or a deduction goes to a person (unmatched)', () => {
    const r = reconcile(
      [invoice('a', '12351', 27_500)],
      [payment('p1', '12351', 27_500, 3), payment('p2', '99999', 100), payment('p3', '12351', -5_000)],
      new Set(),
    );
    expect(r.results.map((x) => x.outcome)).toEqual(['unmatched', 'unmatched', 'unmatched']);
    expect(r.totals.unmatchedOre).toBe(27_500 + 100 - 5_000);
  });

  it('a payment imported before changes nothing', () => {
    const r = reconcile([invoice('a', '12351', 27_500)], [payment('p1', '12351', 27_500)], new Set(['p1']));
    expect(r.results[0].outcome).toBe('already-imported');
    expect(r.paid.size).toBe(0);
  });

  it('property: matched + unmatched + already imported = the file total, and no invoice is paid twice across repeated or overlapping imports', () => {
    const arb = fc.record({
      invoices: fc.uniqueArray(
        fc.record({
          ocr: fc.integer({ min: 10, max: 99_999 }).map(String),
          amountOre: fc.integer({ min: 1, max: 100_000 }),
        }),
        {
          selector: (i) => i.ocr,
          maxLength: 20,
        },
      ),
      payments: fc.uniqueArray(
        fc.record({
          key: fc.uuid(),
          ocr: fc.integer({ min: 10, max: 99_999 }).map(String),
          amountOre: fc.integer({ min: -50_000, max: 100_000 }),
          code: fc.constantFrom(0, 2, 2, 2, 3),
        }),
        { selector: (p) => p.key, maxLength: 40 },
      ),
      split: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ invoices, payments, split }) => {
        const inv = invoices.map((i, n) => invoice(`i${n}`, i.ocr, i.amountOre));
        const pays = payments.map((p) => payment(p.key, p.ocr, p.amountOre, p.code));
        // File A, then an overlapping file A ∪ B, then A again.
        const a = pays.slice(0, split % (pays.length + 1));
        const imported = new Set<string>();
        const balances = new Map(inv.map((i) => [i.id, i]));
        for (const file of [a, pays, a]) {
          const r = reconcile([...balances.values()], file, imported);
          const t = r.totals;
          expect(t.matchedOre + t.unmatchedOre + t.alreadyImportedOre).toBe(t.fileOre);
          for (const x of r.results) imported.add(x.key);
          for (const [id, paidOre] of r.paid) balances.set(id, { ...balances.get(id)!, paidOre });
        }
        // Each invoice was paid exactly the sum of the distinct matching payments, once.
        for (const i of inv) {
          const expected = pays
            .filter((p) => p.referenceCode === 2 && p.amountOre > 0 && p.reference === i.ocr)
            .reduce((s, p) => s + p.amountOre, 0);
          expect(balances.get(i.id)!.paidOre).toBe(expected);
        }
      }),
    );
  });
});
