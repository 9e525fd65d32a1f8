/**
 * BgMax at volume: a generated file of BENCH_PAYMENTS payments (default 100,000) in deposits of 500,
 * parsed and reconciled against as many open invoices, with progress; prints payments/s and the ratio
 * to only reading the file's records in the same run. Pure (no database): `npm run bench:bgmax`.
 */
import { parseBgMax } from '../domain/bgmax';
import { makeOcrReference } from '../domain/ocr';
import { reconcile } from '../domain/reconcile';

const N = Number(process.env.BENCH_PAYMENTS ?? 100_000);
const PER_DEPOSIT = 500;

const field = (chars: string[], pos: number, v: string) => v.split('').forEach((c, i) => (chars[pos - 1 + i] = c));
function rec(tk: string, fields: Array<[number, string]>): string {
  const chars = `${tk}${' '.repeat(78)}`.split('');
  for (const [pos, v] of fields) field(chars, pos, v);
  return chars.join('');
}
const n = (v: number, w: number) => String(v).padStart(w, '0');

function generate(): {
  text: string;
  invoices: Array<{ id: string; ocr: string; amountOre: number; paidOre: number }>;
} {
  const lines = [
    rec('01', [
      [3, 'BGMAX'],
      [23, '01'],
      [25, '20261124083000000000'],
      [45, 'P'],
    ]),
  ];
  const invoices = [];
  let deposits = 0;
  for (let i = 0; i < N; i += PER_DEPOSIT) {
    lines.push(
      rec('05', [
        [3, '0009912346'],
        [23, 'SEK'],
      ]),
    );
    let sum = 0;
    const m = Math.min(PER_DEPOSIT, N - i);
    for (let k = 0; k < m; k++) {
      const ocr = makeOcrReference(String(100_000 + i + k), { lengthDigit: true });
      const ore = 27_500 - ((i + k) % 7) * 1_000;
      invoices.push({ id: `inv-${i + k}`, ocr, amountOre: 27_500, paidOre: 0 });
      lines.push(
        rec('20', [
          [3, '0005050505'],
          [13, ocr.padStart(25, ' ')],
          [38, n(ore, 18)],
          [56, '2'],
          [57, '1'],
          [58, n(i + k, 12)],
        ]),
      );
      sum += ore;
    }
    lines.push(
      rec('15', [
        [3, n(12345678901234, 35)],
        [38, '20261123'],
        [46, n(++deposits, 5)],
        [51, n(sum, 18)],
        [69, 'SEK'],
        [72, n(m, 8)],
      ]),
    );
  }
  lines.push(
    rec('70', [
      [3, n(N, 8)],
      [11, n(0, 8)],
      [19, n(0, 8)],
      [27, n(deposits, 8)],
    ]),
  );
  return { text: lines.join('\r\n'), invoices };
}

function main(): void {
  process.stdout.write(`bench:bgmax — generating ${N.toLocaleString('sv-SE')} payments and as many open invoices…\n`);
  const { text, invoices } = generate();
  const rounds = 5;
  // Baseline: only splitting the file into records and touching each (what any reader must do).
  let t = performance.now();
  for (let r = 0; r < rounds; r++) {
    let chars = 0;
    for (const line of text.split(/\r?\n/)) chars += line.padEnd(80).length;
    if (chars === 0) throw new Error('empty');
  }
  const readMs = (performance.now() - t) / rounds;
  t = performance.now();
  let parseMs = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const file = parseBgMax(text);
    parseMs += performance.now() - t0;
    const payments = file.deposits.flatMap((d) =>
      d.payments.map((p) => ({
        key: `${d.receiverBankgiro}:${d.paymentDate}:${p.bgcSerial}`,
        reference: p.reference,
        referenceCode: p.referenceCode,
        amountOre: p.amountOre,
      })),
    );
    const result = reconcile(invoices, payments, new Set());
    const { fileOre, matchedOre, unmatchedOre } = result.totals;
    if (matchedOre + unmatchedOre !== fileOre || unmatchedOre !== 0) throw new Error('totals do not add up');
    process.stdout.write(
      `  round ${r + 1}/${rounds}: ${payments.length.toLocaleString('sv-SE')} payments reconciled\n`,
    );
  }
  const totalMs = (performance.now() - t) / rounds;
  parseMs /= rounds;
  console.log(
    `\n${N.toLocaleString('sv-SE')} payments, ${(text.length / 1e6).toFixed(1)} MB, mean of ${rounds} rounds:`,
  );
  console.log(`  reading the records only    ${readMs.toFixed(0).padStart(6)} ms`);
  console.log(`  parse                       ${parseMs.toFixed(0).padStart(6)} ms`);
  console.log(
    `  parse + reconcile           ${totalMs.toFixed(0).padStart(6)} ms  → ${Math.round(N / (totalMs / 1000)).toLocaleString('sv-SE')} payments/s, ratio to reading ${(totalMs / readMs).toFixed(1)}`,
  );
}

main();
