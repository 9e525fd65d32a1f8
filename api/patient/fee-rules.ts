/**
 * The fee rules a meeting's page states (issue 28): the visit fee of the unit's region, who pays none,
 * the late-cancel and no-show fee, and the high-cost protection with the patient's own standing,
 * all from domain/fees.ts as the fee activity decides them, so the page and the charge agree.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CareUnit, Profession } from '../../db/entities';
import { findHighCostPeriod } from '../../db/fees';
import { stockholmDateOf } from '../../domain/dates';
import { ceilingFor, decideFee, listFeeOre, noShowFeeOre, periodEnd } from '../../domain/fees';
import { PROXY_MAX_AGE_EXCLUSIVE } from '../../domain/guardianship';
import { ageOn } from '../../domain/personnummer';
import type { Lang } from '../../domain/i18n';
import { professionName, regionName } from './texts';

export interface FeeRules {
  regionName: string;
  /** The booked clinician's kind, when a time is booked. */
  profession: string | null;
  /** The region's video-visit fee for this kind of clinician (or each rate, before a time is booked). */
  visitFees: Array<{ profession: string | null; ore: number }>;
  freeBelowAge: number;
  freeFromAge: number;
  /** The visit fee this patient would pay today (age, free card and the ceiling counted); null without a booked clinician. */
  yourVisitFeeOre: number | null;
  yourVisitFeeReason: 'exempt-age' | 'free-card' | 'partial' | 'full' | null;
  /**
   * The late-cancel and no-show fee for this patient: Stockholm's for everyone, VGR's the visit fee (a flat
   * one for the fee-exempt); null in VGR before a time says which visit fee.
   */
  noShowOre: number | null;
  /** The high-cost ceiling of this year. */
  ceilingOre: number;
  period: { startDate: string; endDate: string; paidOre: number; freeCardUntil: string | null } | null;
  guardianUntilAge: number;
}

/**
 * The rules for this patient at this unit today.
 * @param who - the patient's personnummer and id; `profession` of the booked clinician (null: none yet)
 * @param lang - the reader's language, for the region's and professions' names
 */
export async function feeRulesFor(
  em: EntityManager,
  unit: CareUnit,
  who: { patientId: string; personnummer: string; profession: Profession | null; modality: 'video' | 'phone' },
  lang: Lang = 'sv',
): Promise<FeeRules> {
  const today = stockholmDateOf(new Date());
  const age = ageOn(who.personnummer, today);
  const exempt = age < unit.freeBelowAge || age >= unit.freeFromAge;
  const row = await findHighCostPeriod(em, who.patientId, today);
  const period =
    row && today <= periodEnd(row.startDate)
      ? {
          startDate: row.startDate,
          endDate: periodEnd(row.startDate),
          paidOre: row.paidOre,
          freeCardUntil: row.freeCardUntil ?? null,
        }
      : null;
  // Stockholm has one rate; VGR a higher one for doctors and physiotherapists and a lower one for the rest.
  const kinds: Profession[] = who.profession
    ? [who.profession]
    : unit.region === 'vgr'
      ? ['doctor', 'nurse']
      : ['doctor'];
  const visitFees = kinds.map((p) => ({
    profession: who.profession || unit.region === 'vgr' ? professionName(lang, p) : null,
    ore: listFeeOre(unit.region, p, who.modality),
  }));
  const listFee = visitFees[0].ore;
  const decision = who.profession
    ? decideFee({
        visitDate: today,
        listFeeOre: listFee,
        ageYears: age,
        freeBelowAge: unit.freeBelowAge,
        freeFromAge: unit.freeFromAge,
        period: period && {
          startDate: period.startDate,
          paidOre: period.paidOre,
          ...(period.freeCardUntil ? { freeCardUntil: period.freeCardUntil } : {}),
        },
      })
    : null;
  return {
    regionName: regionName(lang, unit.region),
    profession: who.profession ? professionName(lang, who.profession) : null,
    visitFees,
    freeBelowAge: unit.freeBelowAge,
    freeFromAge: unit.freeFromAge,
    yourVisitFeeOre: decision?.chargeOre ?? null,
    yourVisitFeeReason: decision?.reason ?? null,
    noShowOre:
      who.profession || unit.region === 'stockholm' || exempt ? noShowFeeOre(unit.region, listFee, exempt) : null,
    ceilingOre: ceilingFor(today),
    period,
    guardianUntilAge: PROXY_MAX_AGE_EXCLUSIVE,
  };
}
