import fc from 'fast-check';
import { assessEligibility, EligibilityAnswers } from './eligibility';

const yes: EligibilityAnswers = {
  withoutPhysicalMeeting: true,
  suitsPatient: true,
  enoughInformation: true,
  followUpPossible: true,
};

describe("assessEligibility (RULES §6 Socialstyrelsen's four questions)", () => {
  it('RULES §6 eligible when all four answers are yes', () => {
    expect(assessEligibility(yes)).toEqual({ eligible: true, reasons: [] });
  });

  it('RULES §6 any no makes the encounter ineligible, with one reason per no', () => {
    const r = assessEligibility({ ...yes, enoughInformation: false, followUpPossible: false });
    expect(r.eligible).toBe(false);
    expect(r.reasons).toHaveLength(2);
    expect(r.reasons[0]).toMatch(/^enoughInformation/);
    expect(r.reasons[1]).toMatch(/^followUpPossible/);
  });

  it('throws a typed error naming a missing or non-boolean answer', () => {
    expect(() => assessEligibility({ ...yes, suitsPatient: 'yes' } as unknown as EligibilityAnswers)).toThrow(
      expect.objectContaining({ field: 'suitsPatient' }),
    );
    const { followUpPossible: _omit, ...missing } = yes;
    expect(() => assessEligibility(missing as EligibilityAnswers)).toThrow(
      expect.objectContaining({ field: 'followUpPossible' }),
    );
  });

  it('property: eligible exactly when every answer is true', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (a, b, c, d) => {
        const r = assessEligibility({
          withoutPhysicalMeeting: a,
          suitsPatient: b,
          enoughInformation: c,
          followUpPossible: d,
        });
        expect(r.eligible).toBe(a && b && c && d);
        expect(r.reasons).toHaveLength([a, b, c, d].filter((x) => !x).length);
      }),
    );
  });
});
