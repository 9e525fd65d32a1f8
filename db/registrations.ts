/** Visit registration rows (issue 25, RULES.md §10): the units' code tables and the registered contacts. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { registrationOf, type Contact, type ContactKind, type UnitCode } from '../domain/registration';
import { insertIgnore } from './insert';
import { VisitCode, VisitRegistration } from './entities';

export async function unitCodes(em: EntityManager, careUnitId: string): Promise<UnitCode[]> {
  const rows = await em.find(VisitCode, { careUnitId }, { orderBy: { kind: 'asc' } });
  return rows.map(({ kind, contactType, contactTypeName, kvaCodes, patientFee }) => ({
    kind,
    contactType,
    contactTypeName,
    kvaCodes,
    patientFee,
  }));
}

/** Sets (or with an empty contact type, removes) one kind's codes of a unit. */
export async function setUnitCode(em: EntityManager, careUnitId: string, code: UnitCode, by: string): Promise<void> {
  if (!code.contactType) {
    await em.nativeDelete(VisitCode, { careUnitId, kind: code.kind });
    return;
  }
  await em.upsert(VisitCode, { careUnitId, ...code, updatedBy: by, updatedAt: new Date() });
}

/**
 * Registers one contact with its unit's codes of today; a second call for the same source does
 * nothing (the first registration stands, as the PAS received it).
 */
export async function registerContact(
  em: EntityManager,
  r: Contact & {
    source: 'encounter' | 'thread';
    sourceId: string;
    careUnitId: string;
    patientId: string;
    clinicianId: string | null;
  },
): Promise<void> {
  const reg = registrationOf(r, await unitCodes(em, r.careUnitId));
  await insertIgnore(em, VisitRegistration, [
    {
      id: randomUUID(),
      source: r.source,
      sourceId: r.sourceId,
      careUnitId: r.careUnitId,
      patientId: r.patientId,
      clinicianId: r.clinicianId,
      contactDate: reg.contactDate,
      kind: reg.kind,
      outcome: reg.outcome,
      contactType: reg.contactType,
      contactTypeName: reg.contactTypeName,
      kvaCodes: reg.kvaCodes,
      patientFee: reg.patientFee,
      missingCode: reg.missingCode,
    },
  ]);
}

export interface RegistrationRow {
  contactDate: string;
  careUnitId: string;
  careUnitName: string;
  careUnitHsaId: string;
  personnummer: string;
  patientId: string;
  kind: ContactKind;
  outcome: 'attended' | 'no-show';
  contactType: string | null;
  contactTypeName: string | null;
  kvaCodes: string[];
  patientFee: boolean;
  missingCode: boolean;
  clinicianHsaId: string | null;
  source: string;
}

/** A month's registrations (YYYY-MM, Stockholm dates) of the given units (null: every unit), by date. */
export async function monthRegistrations(
  em: EntityManager,
  month: string,
  careUnitIds: string[] | null,
): Promise<RegistrationRow[]> {
  const [y, m] = month.split('-').map(Number);
  const from = `${month}-01`;
  const to = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  const units = careUnitIds ?? [];
  return em.execute<RegistrationRow[]>(
    `select to_char(r.contact_date, 'YYYY-MM-DD') as "contactDate", r.care_unit_id as "careUnitId", u.name as "careUnitName",
        u.hsa_id as "careUnitHsaId", p.personnummer, r.patient_id as "patientId", r.kind, r.outcome,
        r.contact_type as "contactType", r.contact_type_name as "contactTypeName", r.kva_codes as "kvaCodes",
        r.patient_fee as "patientFee", r.missing_code as "missingCode", c.hsa_id as "clinicianHsaId", r.source
       from visit_registration r
       join care_unit u on u.id = r.care_unit_id
       join patient p on p.id = r.patient_id
       left join clinician c on c.id = r.clinician_id
      where r.contact_date >= ? and r.contact_date < ?
        ${careUnitIds ? `and r.care_unit_id in (${units.map(() => '?').join(', ') || 'null'})` : ''}
      order by r.contact_date, u.name, r.created_at`,
    [from, to, ...units],
  );
}
