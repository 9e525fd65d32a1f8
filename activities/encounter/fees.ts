/** The fee step: decides and records a charge against the patient's high-cost period, once. */
import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { decideFee, HighCostPeriod, listFeeOre, noShowFeeOre, Profession, Region } from '../../domain/fees';
import { ageOn } from '../../domain/personnummer';
import { businessFailure } from '../errors';

export type ChargeKind = 'visit' | 'no-show' | 'late-cancel';

export interface FeeResult {
  chargeId: string;
  chargeOre: number;
  reason: string;
  freeCardIssued: boolean;
}

export interface FeeFaults {
  /** Test hook: runs after the charge is committed and before the activity returns. */
  afterFeeCommit?: (encounterId: string) => Promise<void>;
}

interface FeeContext {
  personnummer: string;
  region: Region;
  free_below_age: number;
  free_from_age: number;
  profession: Profession | null;
}

export function createFeeActivities({ orm, faults = {} }: { orm: Orm; faults?: FeeFaults }) {
  return {
    /**
     * Records the encounter's charge of `kind`. The patient row is locked for the whole
     * transaction so two encounters of one patient finishing at once see each other's fees;
     * the (encounter, kind) unique key makes a retry return the first result.
     */
    async recordFee(input: { encounterId: string; kind: ChargeKind; visitDate: string; modality: 'video' | 'phone' }): Promise<FeeResult> {
      const result = await orm.em.fork().transactional(async (tx) => {
        const [enc] = await tx.execute<Array<{ patient_id: string }>>('select patient_id from encounter where id = ?', [input.encounterId]);
        if (!enc) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
        await tx.execute('select id from patient where id = ? for update', [enc.patient_id]);
        const [existing] = await tx.execute<Array<{ id: string; amount_ore: number; reason: string; free_card_issued: boolean }>>(
          'select id, amount_ore, reason, free_card_issued from charge where encounter_id = ? and kind = ?',
          [input.encounterId, input.kind],
        );
        if (existing) return { chargeId: existing.id, chargeOre: existing.amount_ore, reason: existing.reason, freeCardIssued: existing.free_card_issued };

        const [ctx] = await tx.execute<FeeContext[]>(
          `select p.personnummer, u.region, u.free_below_age, u.free_from_age, c.profession
             from encounter e join patient p on p.id = e.patient_id join care_unit u on u.id = e.care_unit_id
             left join clinician c on c.id = e.clinician_id
            where e.id = ?`,
          [input.encounterId],
        );
        const age = ageOn(ctx.personnummer, input.visitDate);
        const fee = listFeeOre(ctx.region, ctx.profession ?? 'other', input.modality);
        const [row] = await tx.execute<Array<{ id: string; start_date: string; paid_ore: number; free_card_until: string | null }>>(
          `select id, to_char(start_date, 'YYYY-MM-DD') as start_date, paid_ore, to_char(free_card_until, 'YYYY-MM-DD') as free_card_until
             from high_cost_period where patient_id = ? and start_date <= ? order by start_date desc limit 1`,
          [enc.patient_id, input.visitDate],
        );
        const period: HighCostPeriod | null = row ? { startDate: row.start_date, paidOre: row.paid_ore, ...(row.free_card_until ? { freeCardUntil: row.free_card_until } : {}) } : null;
        const decision = decideFee({ visitDate: input.visitDate, listFeeOre: fee, ageYears: age, freeBelowAge: ctx.free_below_age, freeFromAge: ctx.free_from_age, period });

        let amount = decision.chargeOre;
        let reason: string = decision.reason;
        let countsToCeiling = true;
        if (input.kind !== 'visit') {
          // No-show and late-cancel fees never count towards the ceiling and the free card does not cover them.
          amount = noShowFeeOre(ctx.region, fee, decision.reason === 'exempt-age');
          reason = input.kind;
          countsToCeiling = false;
        } else if (decision.period && decision.chargeOre > 0) {
          await tx.execute(
            `insert into high_cost_period (id, patient_id, start_date, paid_ore, free_card_until) values (?, ?, ?, ?, ?)
             on conflict (patient_id, start_date) do update set paid_ore = excluded.paid_ore, free_card_until = excluded.free_card_until, updated_at = now()`,
            [randomUUID(), enc.patient_id, decision.period.startDate, decision.period.paidOre, decision.period.freeCardUntil ?? null],
          );
        }
        const chargeId = randomUUID();
        const freeCardIssued = input.kind === 'visit' && decision.freeCardIssued;
        await tx.execute(
          `insert into charge (id, encounter_id, patient_id, kind, amount_ore, list_fee_ore, reason, counts_to_ceiling, free_card_issued, visit_date)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [chargeId, input.encounterId, enc.patient_id, input.kind, amount, fee, reason, countsToCeiling, freeCardIssued, input.visitDate],
        );
        return { chargeId, chargeOre: amount, reason, freeCardIssued };
      });
      await faults.afterFeeCommit?.(input.encounterId);
      return result;
    },
  };
}
