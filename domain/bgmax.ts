/**
 * Bankgirot's BgMax file of incoming payments (RULES.md §8; manual *Bankgiro Inbetalningar* §3.2),
 * read as files really come: LF, CRLF or no line ends, trailing blanks lost, a tab inside a record,
 * record types we do not know skipped, loosely filled numeric fields read leniently. Whatever breaks
 * the structure or the totals throws InvalidBgMaxError with the 1-based line and a reason.
 */
import { DomainError } from './errors';

export interface BgMaxPayment {
  kind: 'payment' | 'deduction';
  senderBankgiro: string;
  /** Trimmed; the leading zeros of an OCR reference are kept as sent. */
  reference: string;
  referenceCode: number;
  /** Öre; negative for a deduction. */
  amountOre: number;
  channel: number;
  bgcSerial: string;
  extraReferences: string[];
  payerName?: string;
  orgNumber?: string;
  information: string[];
}

export interface BgMaxDeposit {
  receiverBankgiro: string;
  currency: string;
  /** YYYY-MM-DD */
  paymentDate: string;
  depositSerial: string;
  amountOre: number;
  paymentCount: number;
  payments: BgMaxPayment[];
}

export interface BgMaxFile {
  version: string;
  test: boolean;
  /** 'YYYY-MM-DDTHH:MM:SS.ffffff', Bankgirot's (Swedish) local time as written in the file. */
  createdAt: string;
  deposits: BgMaxDeposit[];
}

export type BgMaxReason =
  | 'record-too-long'
  | 'record-cut'
  | 'out-of-order'
  | 'deposit-amount'
  | 'deposit-count'
  | 'file-counts'
  | 'field'
  | 'no-end';

export class InvalidBgMaxError extends DomainError {
  constructor(
    message: string,
    readonly line: number,
    reason: BgMaxReason,
  ) {
    super(`line ${line}: ${message}`, reason, 'file');
  }
}

const WIDTH = 80;

/** The records: split on line ends, or every 80 characters when there are none; tabs expanded. */
function records(text: string): Array<{ line: number; raw: string; rec: string }> {
  const body = text.replace(/^\uFEFF/, '');
  const lines = /[\r\n]/.test(body)
    ? body.split(/\r?\n|\r/)
    : Array.from({ length: Math.ceil(body.length / WIDTH) }, (_, i) => body.slice(i * WIDTH, (i + 1) * WIDTH));
  const out: Array<{ line: number; raw: string; rec: string }> = [];
  lines.forEach((l, i) => {
    // 8-column tab stops put a tabbed field back in its column (one of Bankgirot's samples has a tab).
    let raw = l;
    if (l.includes('\t')) {
      raw = '';
      for (const ch of l) raw += ch === '\t' ? ' '.repeat(8 - (raw.length % 8)) : ch;
    }
    if (raw.trim() === '') return;
    if (raw.length > WIDTH)
      throw new InvalidBgMaxError(`record is ${raw.length} characters, at most ${WIDTH}`, i + 1, 'record-too-long');
    out.push({ line: i + 1, raw, rec: raw.padEnd(WIDTH, ' ') });
  });
  return out;
}

export function parseBgMax(input: string): BgMaxFile {
  let file: BgMaxFile | null = null;
  let deposit:
    (Omit<BgMaxDeposit, 'paymentDate' | 'depositSerial' | 'amountOre' | 'paymentCount'> & { line: number }) | null =
    null;
  let payment: BgMaxPayment | null = null;
  let ended = false;
  const counts = { tk20: 0, tk21: 0, tk2223: 0, tk15: 0 };
  let last = 0;

  for (const { line, raw, rec } of records(input)) {
    last = line;
    const tk = rec.slice(0, 2);
    /** Positions are 1-based and inclusive, as in the manual. */
    const at = (from: number, to: number) => rec.slice(from - 1, to);
    const text = (from: number, to: number) => at(from, to).trim();
    /** A number the record needs: blank because the line was cut short is 'record-cut'. */
    const num = (from: number, to: number, what: string, opts: { lenient?: boolean } = {}) => {
      const v = at(from, to).trim();
      if (v === '' && raw.length < to)
        throw new InvalidBgMaxError(`record ends before its ${what} (positions ${from}–${to})`, line, 'record-cut');
      if (v === '' && opts.lenient) return 0;
      if (!/^\d+$/.test(v)) throw new InvalidBgMaxError(`${what} is not a number: '${at(from, to)}'`, line, 'field');
      return Number(v);
    };
    const digits = (from: number, to: number) => text(from, to).replace(/^0+(?=\d)/, '');
    const order = (ok: boolean, what: string) => {
      if (!ok) throw new InvalidBgMaxError(`${what} is out of order`, line, 'out-of-order');
    };

    if (ended) order(false, `a TK${tk} after the file end (TK70)`);
    if (tk === '01') {
      order(file === null, 'TK01');
      const stamp = at(25, 44);
      if (!/^\d{20}$/.test(stamp))
        throw new InvalidBgMaxError(`the file's timestamp is not YYYYMMDDHHMMSSffffff: '${stamp}'`, line, 'field');
      file = {
        version: text(23, 24),
        test: at(45, 45) === 'T',
        createdAt: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:${stamp.slice(12, 14)}.${stamp.slice(14)}`,
        deposits: [],
      };
      continue;
    }
    order(file !== null, `a TK${tk} before the file start (TK01)`);
    switch (tk) {
      case '05':
        order(deposit === null, 'a TK05 inside an open deposit');
        deposit = { receiverBankgiro: digits(3, 12), currency: text(23, 25), payments: [], line };
        payment = null;
        break;
      case '20':
      case '21': {
        order(deposit !== null, `a TK${tk} before any TK05`);
        const amount = num(38, 55, 'amount');
        payment = {
          kind: tk === '20' ? 'payment' : 'deduction',
          senderBankgiro: digits(3, 12),
          reference: text(13, 37),
          referenceCode: num(56, 56, 'reference code', { lenient: true }),
          amountOre: tk === '20' ? amount : -amount,
          channel: num(57, 57, 'payment channel', { lenient: true }),
          bgcSerial: text(58, 69),
          extraReferences: [],
          information: [],
        };
        deposit!.payments.push(payment);
        if (tk === '20') counts.tk20++;
        else counts.tk21++;
        break;
      }
      case '22':
      case '23':
        order(payment !== null, `a TK${tk} (extra reference) without its payment`);
        payment!.extraReferences.push(text(13, 37));
        counts.tk2223++;
        break;
      case '25':
        order(payment !== null, 'a TK25 (information) without its payment');
        payment!.information.push(text(3, 52));
        break;
      case '26':
        order(payment !== null, 'a TK26 (name) without its payment');
        payment!.payerName = [text(3, 37), text(38, 72)].filter(Boolean).join(' ');
        break;
      case '27':
      case '28':
        order(payment !== null, `a TK${tk} (address) without its payment`);
        break;
      case '29':
        order(payment !== null, 'a TK29 (organisation number) without its payment');
        payment!.orgNumber = text(3, 14);
        break;
      case '15': {
        order(deposit !== null, 'a TK15 without its TK05');
        const date = at(38, 45);
        if (!/^\d{8}$/.test(date))
          throw new InvalidBgMaxError(`payment date is not YYYYMMDD: '${date}'`, line, 'field');
        const amountOre = num(51, 68, 'deposit amount');
        const paymentCount = num(72, 79, 'payment count');
        const sum = deposit!.payments.reduce((a, p) => a + p.amountOre, 0);
        if (sum !== amountOre)
          throw new InvalidBgMaxError(
            `deposit amount ${amountOre} öre but its payments add up to ${sum} öre`,
            line,
            'deposit-amount',
          );
        if (paymentCount !== deposit!.payments.length)
          throw new InvalidBgMaxError(
            `deposit says ${paymentCount} payments but has ${deposit!.payments.length}`,
            line,
            'deposit-count',
          );
        const { line: _opened, ...open } = deposit!;
        file!.deposits.push({
          ...open,
          currency: open.currency || text(69, 71),
          paymentDate: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
          depositSerial: text(46, 50),
          amountOre,
          paymentCount,
        });
        counts.tk15++;
        deposit = null;
        payment = null;
        break;
      }
      case '70': {
        order(deposit === null, 'a TK70 inside an open deposit');
        const said = {
          tk20: num(3, 10, 'TK20 count'),
          tk21: num(11, 18, 'TK21 count'),
          tk2223: num(19, 26, 'TK22/23 count'),
          tk15: num(27, 34, 'TK15 count'),
        };
        for (const k of Object.keys(said) as Array<keyof typeof said>)
          if (said[k] !== counts[k])
            throw new InvalidBgMaxError(
              `the file end counts ${said[k]} ${k.toUpperCase()} records but the file has ${counts[k]}`,
              line,
              'file-counts',
            );
        ended = true;
        break;
      }
      default:
      // A record type this reader does not know is skipped, as the manual asks.
    }
  }
  if (!file) throw new InvalidBgMaxError('no file start (TK01)', 1, 'out-of-order');
  if (!ended) throw new InvalidBgMaxError('the file has no end (TK70)', last + 1, 'no-end');
  return file;
}
