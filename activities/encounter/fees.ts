/** The fee step: decides and records a charge against the patient's high-cost period, once. */
import { randomUUID } from 'node:crypto';
import type { ChargeKind } from '../../db/entities';
import {
  chargeBilling,
  feeContext,
  findCharge,
  findHighCostPeriod,
  insertCharge,
  lockPatient,
  saveHighCostPeriod,
} from '../../db/fees';
import { findEncounterPatientId } from '../../db/encounters';
import type { Orm } from '../../db/orm';
import { decideFee, HighCostPeriod, listFeeOre, noShowFeeOre } from '../../domain/fees';
import { ageOn } from '../../domain/personnummer';
import { businessFailure } from '../errors';
import { stockholmDateOf } from '../../domain/dates';
import { monthOf } from '../../domain/invoices';
import type { ActivityFaults } from '../faults';
import { billingKeyFor, InvoiceInput } from '../../workflows/invoice.messages';

export type { ChargeKind };

export interface FeeResult {
  chargeId: string;
  chargeOre: number;
  reason: string;
  freeCardIssued: boolean;
}

/**
 * @param now - the clock a charge is stamped with; only the demo's history (written after the fact)
 *   sets it, else the database's now
 */
export function createFeeActivities({
  orm,
  faults = {},
  now,
}: {
  orm: Orm;
  faults?: ActivityFaults;
  now?: () => Date;
}) {
  return {
    /** How a charge is billed: its own invoice, or the patient's monthly one at the unit (care_unit.invoicing). */
    async billingOf(input: { chargeId: string }): Promise<Omit<InvoiceInput, 'policy'> | null> {
      const em = orm.em.fork();
      const b = await chargeBilling(em, input.chargeId);
      if (!b) throw businessFailure('NotFound', `charge ${input.chargeId} does not exist`);
      if (b.invoicing === 'external') return null;
      const mode = b.invoicing;
      const month = monthOf(stockholmDateOf(b.createdAt));
      const key = { mode, chargeId: input.chargeId, patientId: b.patientId, careUnitId: b.careUnitId, month };
      return {
        billingKey: billingKeyFor(key),
        patientId: b.patientId,
        careUnitId: b.careUnitId,
        mode,
        ...(mode === 'per-encounter' ? { chargeId: input.chargeId } : { month }),
      };
    },

    /**
     * Records the encounter's charge of `kind`. The patient row is locked for the whole
     * transaction so two encounters of one patient finishing at once see each other's fees;
     * the (encounter, kind) unique key makes a retry return the first result.
     */
    async recordFee(input: {
      encounterId: string;
      kind: ChargeKind;
      visitDate: string;
      modality: 'video' | 'phone';
    }): Promise<FeeResult> {
      const result = await orm.em.fork().transactional(async (tx) => {
        const patientId = await findEncounterPatientId(tx, input.encounterId);
        if (!patientId) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
        await lockPatient(tx, patientId);
        const existing = await findCharge(tx, input.encounterId, input.kind);
        if (existing)
          return {
            chargeId: existing.id,
            chargeOre: existing.amountOre,
            reason: existing.reason,
            freeCardIssued: existing.freeCardIssued,
          };

        const ctx = (await feeContext(tx, input.encounterId))!;
        const age = ageOn(ctx.personnummer, input.visitDate);
        const fee = listFeeOre(ctx.region, ctx.profession ?? 'other', input.modality);
        const row = await findHighCostPeriod(tx, patientId, input.visitDate);
        const period: HighCostPeriod | null = row
          ? {
              startDate: row.startDate,
              paidOre: row.paidOre,
              ...(row.freeCardUntil ? { freeCardUntil: row.freeCardUntil } : {}),
            }
          : null;
        const decision = decideFee({
          visitDate: input.visitDate,
          listFeeOre: fee,
          ageYears: age,
          freeBelowAge: ctx.freeBelowAge,
          freeFromAge: ctx.freeFromAge,
          period,
        });

        let amount = decision.chargeOre;
        let reason: string = decision.reason;
        let countsToCeiling = true;
        if (input.kind !== 'visit') {
          // No-show and late-cancel fees never count towards the ceiling and the free card does not cover them.
          amount = noShowFeeOre(ctx.region, fee, decision.reason === 'exempt-age');
          reason = input.kind;
          countsToCeiling = false;
        } else if (decision.period && decision.chargeOre > 0) {
          await saveHighCostPeriod(tx, {
            id: randomUUID(),
            patientId,
            startDate: decision.period.startDate,
            paidOre: decision.period.paidOre,
            freeCardUntil: decision.period.freeCardUntil ?? null,
          });
        }
        const chargeId = randomUUID();
        const freeCardIssued = input.kind === 'visit' && decision.freeCardIssued;
        await insertCharge(tx, {
          id: chargeId,
          encounterId: input.encounterId,
          patientId,
          kind: input.kind,
          amountOre: amount,
          listFeeOre: fee,
          reason,
          countsToCeiling,
          freeCardIssued,
          visitDate: input.visitDate,
          ...(now ? { createdAt: now() } : {}),
        });
        await faults.inFeeTransaction?.(input.encounterId);
        return { chargeId, chargeOre: amount, reason, freeCardIssued };
      });
      await faults.afterFeeCommit?.(input.encounterId);
      return result;
    },
  };
}
