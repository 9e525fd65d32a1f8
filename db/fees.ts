/** Charges and high-cost periods. The fee activity holds the patient's row lock for its whole transaction. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import {
  CareUnit,
  Charge,
  ChargeKind,
  Clinician,
  Encounter,
  HighCostPeriod,
  Patient,
  Profession,
  Region,
} from './entities';

/** Locks the patient row (select … for update), so two fees of one patient are decided one after the other. */
export async function lockPatient(tx: EntityManager, patientId: string): Promise<void> {
  await tx.findOneOrFail(Patient, { id: patientId }, { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ['id'] });
}

export async function findCharge(tx: EntityManager, encounterId: string, kind: ChargeKind): Promise<Charge | null> {
  return tx.findOne(Charge, { encounterId, kind });
}

export interface FeeContext {
  patientId: string;
  personnummer: string;
  region: Region;
  freeBelowAge: number;
  freeFromAge: number;
  profession: Profession | null;
}

/** What the fee of an encounter depends on: the patient's age, the unit's region and limits, the clinician's profession. */
export async function feeContext(tx: EntityManager, encounterId: string): Promise<FeeContext | null> {
  const e = await tx.findOne(Encounter, { id: encounterId });
  if (!e) return null;
  // One after the other: a transaction has one connection.
  const patient = await tx.findOneOrFail(Patient, { id: e.patientId });
  const unit = await tx.findOneOrFail(CareUnit, { id: e.careUnitId });
  const clinician = e.clinicianId ? await tx.findOne(Clinician, { id: e.clinicianId }) : null;
  return {
    patientId: e.patientId,
    personnummer: patient.personnummer,
    region: unit.region,
    freeBelowAge: unit.freeBelowAge,
    freeFromAge: unit.freeFromAge,
    profession: clinician?.profession ?? null,
  };
}

/** The patient's high-cost period that had started by `date` (the newest), or null. */
export async function findHighCostPeriod(
  tx: EntityManager,
  patientId: string,
  date: string,
): Promise<HighCostPeriod | null> {
  return tx.findOne(HighCostPeriod, { patientId, startDate: { $lte: date } }, { orderBy: { startDate: 'desc' } });
}

/** Saves what the patient has paid in a period (and the free card, if issued). */
export async function saveHighCostPeriod(
  tx: EntityManager,
  p: { id: string; patientId: string; startDate: string; paidOre: number; freeCardUntil: string | null },
): Promise<void> {
  await tx.upsert(
    HighCostPeriod,
    { ...p, updatedAt: new Date() },
    { onConflictFields: ['patientId', 'startDate'], onConflictExcludeFields: ['id'] },
  );
}

export async function insertCharge(
  tx: EntityManager,
  c: Omit<Charge, 'createdAt'> & { createdAt?: Date },
): Promise<void> {
  await tx.insert(Charge, c);
}

/** What billing a charge needs: its patient, the encounter's unit and that unit's invoicing, and when it was made. */
export async function chargeBilling(em: EntityManager, chargeId: string) {
  const charge = await em.findOne(Charge, { id: chargeId });
  if (!charge) return null;
  const e = await em.findOneOrFail(Encounter, { id: charge.encounterId }, { fields: ['careUnitId'] });
  const unit = await em.findOneOrFail(CareUnit, { id: e.careUnitId }, { fields: ['invoicing'] });
  return {
    patientId: charge.patientId,
    careUnitId: e.careUnitId,
    invoicing: unit.invoicing,
    createdAt: charge.createdAt,
  };
}
