import { parseBgMax } from './bgmax';
import { bgmaxFile } from './bgmax-file';
import { makeOcrReference } from './ocr';

describe('bgmaxFile', () => {
  it('writes a file the parser reads back: OCR payments right-aligned with code 2, free text with code 3, payer names, balanced deposit', () => {
    const ocr = makeOcrReference('123', { lengthDigit: true });
    const text = bgmaxFile(
      [
        { ocr, ore: 27_500, serial: 7, payerName: 'ANNA ANDERSSON' },
        { text: 'FAKTURA OKLAR', ore: 1_000, serial: 8 },
      ],
      { date: '2026-12-02', receiver: '55555555', depositSerial: 2, test: true },
    );
    expect(text.split('\r\n').every((line) => line === '' || line.length === 80)).toBe(true);
    const file = parseBgMax(text);
    expect(file.test).toBe(true);
    const [deposit] = file.deposits;
    expect(deposit).toMatchObject({ paymentDate: '2026-12-02', amountOre: 28_500, paymentCount: 2 });
    expect(deposit.payments).toEqual([
      expect.objectContaining({ reference: ocr, referenceCode: 2, amountOre: 27_500, payerName: 'ANNA ANDERSSON' }),
      expect.objectContaining({ reference: 'FAKTURA OKLAR', referenceCode: 3, amountOre: 1_000 }),
    ]);
  });

  it('marks a production file P unless asked for a test file', () => {
    expect(parseBgMax(bgmaxFile([{ ocr: '1230', ore: 100, serial: 1 }])).test).toBe(false);
  });
});
