import fc from 'fast-check';
import {
  ceilingFor,
  decideFee,
  FeeInput,
  HighCostPeriod,
  listFeeOre,
  noShowFeeOre,
  periodEnd,
  REGION_FEES,
} from './fees';

const sthlm = { listFeeOre: REGION_FEES.stockholm.videoVisitOre, ageYears: 40, freeBelowAge: 18, freeFromAge: 85 };

describe('ceilingFor (RULES §1: 0.025 × prisbasbelopp rounded down to 50 SEK)', () => {
  it('RULES §1 2025 ceiling is 1 450 SEK (pbb 58 800)', () => expect(ceilingFor('2025-06-01')).toBe(145_000));
  it('RULES §1 2026 ceiling is 1 450 SEK (pbb 59 200)', () => expect(ceilingFor('2026-01-01')).toBe(145_000));
  it('RULES §1 2024 ceiling is 1 400 SEK (VGR: 1 400 in 2024)', () => expect(ceilingFor('2024-12-31')).toBe(140_000));
  it('throws a typed error for a year without a known prisbasbelopp or a bad date', () => {
    expect(() => ceilingFor('2030-01-01')).toThrow(expect.objectContaining({ reason: 'unknown-year' }));
    expect(() => ceilingFor('2025-02-29')).toThrow(expect.objectContaining({ reason: 'date', field: 'date' }));
  });
});

describe('decideFee (RULES §1 high-cost protection)', () => {
  it('RULES §1 example: Stockholm 2025, 275 SEK/visit: the sixth visit pays 75 and issues a free card through 2026-02-09', () => {
    let period: HighCostPeriod | null = null;
    const dates = ['2025-02-10', '2025-03-10', '2025-04-10', '2025-05-12', '2025-06-10'];
    for (const visitDate of dates) {
      const d = decideFee({ ...sthlm, visitDate, period });
      expect(d).toMatchObject({ chargeOre: 27_500, reason: 'full', freeCardIssued: false });
      period = d.period;
    }
    expect(period).toEqual({ startDate: '2025-02-10', paidOre: 137_500 });
    const sixth = decideFee({ ...sthlm, visitDate: '2025-08-01', period });
    expect(sixth).toEqual({
      chargeOre: 7_500,
      reason: 'partial',
      freeCardIssued: true,
      period: { startDate: '2025-02-10', paidOre: 145_000, freeCardUntil: '2026-02-09' },
    });
    const seventh = decideFee({ ...sthlm, visitDate: '2026-02-09', period: sixth.period });
    expect(seventh).toMatchObject({ chargeOre: 0, reason: 'free-card', freeCardIssued: false });
  });

  it("RULES §1 period is 12 months (1177's example: 25 April → 24 April)", () => {
    expect(periodEnd('2025-04-25')).toBe('2026-04-24');
    expect(periodEnd('2025-02-10')).toBe('2026-02-09');
  });

  it('RULES §1 a period starting 29 February ends on 28 February (product decision)', () => {
    expect(periodEnd('2024-02-29')).toBe('2025-02-28');
  });

  it('RULES §1 an expired period is replaced by a new one starting at this visit', () => {
    const old: HighCostPeriod = { startDate: '2025-02-10', paidOre: 145_000, freeCardUntil: '2026-02-09' };
    const d = decideFee({ ...sthlm, visitDate: '2026-02-10', period: old });
    expect(d).toEqual({
      chargeOre: 27_500,
      reason: 'full',
      freeCardIssued: false,
      period: { startDate: '2026-02-10', paidOre: 27_500 },
    });
  });

  it('RULES §1 85+ pay no open-care fees; RULES §1 Stockholm under 18 and VGR up to 19 are free', () => {
    expect(decideFee({ ...sthlm, ageYears: 85, visitDate: '2026-03-01', period: null })).toMatchObject({
      chargeOre: 0,
      reason: 'exempt-age',
    });
    expect(decideFee({ ...sthlm, ageYears: 17, visitDate: '2026-03-01', period: null })).toMatchObject({
      chargeOre: 0,
      reason: 'exempt-age',
    });
    expect(decideFee({ ...sthlm, ageYears: 18, visitDate: '2026-03-01', period: null })).toMatchObject({
      chargeOre: 27_500,
      reason: 'full',
    });
    const vgr = { listFeeOre: 20_000, freeBelowAge: 20, freeFromAge: 85, visitDate: '2026-03-01', period: null };
    expect(decideFee({ ...vgr, ageYears: 19 })).toMatchObject({ chargeOre: 0, reason: 'exempt-age' });
    expect(decideFee({ ...vgr, ageYears: 20 })).toMatchObject({ chargeOre: 20_000, reason: 'full' });
  });

  it('a visit reaching the ceiling exactly pays in full and issues the free card', () => {
    const d = decideFee({
      ...sthlm,
      listFeeOre: 5_000,
      visitDate: '2026-05-01',
      period: { startDate: '2026-01-05', paidOre: 140_000 },
    });
    expect(d).toMatchObject({
      chargeOre: 5_000,
      reason: 'full',
      freeCardIssued: true,
      period: { freeCardUntil: '2027-01-04' },
    });
  });

  it('rejects malformed input with a typed error naming the field', () => {
    const base: FeeInput = { ...sthlm, visitDate: '2026-03-01', period: null };
    expect(() => decideFee({ ...base, listFeeOre: -1 })).toThrow(
      expect.objectContaining({ field: 'listFeeOre', reason: 'negative' }),
    );
    expect(() => decideFee({ ...base, listFeeOre: 1.5 })).toThrow(
      expect.objectContaining({ field: 'listFeeOre', reason: 'format' }),
    );
    expect(() => decideFee({ ...base, visitDate: '2026-02-30' })).toThrow(
      expect.objectContaining({ field: 'visitDate', reason: 'date' }),
    );
    expect(() => decideFee({ ...base, ageYears: -3 })).toThrow(expect.objectContaining({ field: 'ageYears' }));
    expect(() => decideFee({ ...base, period: { startDate: '2026-01-01', paidOre: -5 } })).toThrow(
      expect.objectContaining({ field: 'period.paidOre' }),
    );
    expect(() => decideFee({ ...base, period: { startDate: '2026-04-01', paidOre: 0 } })).toThrow(
      expect.objectContaining({ field: 'visitDate', reason: 'order' }),
    );
  });

  it('property: within one period the total charged never exceeds the ceiling, and the free card comes exactly at it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 30 }), (fees) => {
        let period: HighCostPeriod | null = null;
        let total = 0;
        fees.forEach((listFeeOre, i) => {
          const d = decideFee({ ...sthlm, listFeeOre, visitDate: `2026-01-${String(i + 1).padStart(2, '0')}`, period });
          expect(d.chargeOre).toBeLessThanOrEqual(listFeeOre);
          total += d.chargeOre;
          period = d.period;
        });
        expect(total).toBeLessThanOrEqual(145_000);
        const p = period as HighCostPeriod | null;
        expect(p?.freeCardUntil !== undefined).toBe(total >= 145_000);
      }),
    );
  });
});

describe('list and no-show fees (RULES §2)', () => {
  it('RULES §2 Stockholm video visit 275 SEK any profession, phone free', () => {
    expect(listFeeOre('stockholm', 'nurse', 'video')).toBe(27_500);
    expect(listFeeOre('stockholm', 'doctor', 'phone')).toBe(0);
  });
  it('RULES §2 VGR video 200 (doctor, physio) / 50 (others); phone 160 / 40', () => {
    expect(listFeeOre('vgr', 'doctor', 'video')).toBe(20_000);
    expect(listFeeOre('vgr', 'physiotherapist', 'video')).toBe(20_000);
    expect(listFeeOre('vgr', 'nurse', 'video')).toBe(5_000);
    expect(listFeeOre('vgr', 'doctor', 'phone')).toBe(16_000);
    expect(listFeeOre('vgr', 'psychologist', 'phone')).toBe(4_000);
  });
  it('RULES §2 Stockholm no-show fee is 400 SEK, also for fee-exempt patients', () => {
    expect(noShowFeeOre('stockholm', 27_500, false)).toBe(40_000);
    expect(noShowFeeOre('stockholm', 0, true)).toBe(40_000);
  });
  it('RULES §2 VGR no-show fee is the ordinary fee, a flat fee for the exempt', () => {
    expect(noShowFeeOre('vgr', 20_000, false)).toBe(20_000);
    expect(noShowFeeOre('vgr', 5_000, true)).toBe(20_000);
  });
});
