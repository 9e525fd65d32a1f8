/** Test data: each call makes its own unit, clinician, patients and slots, so tests never collide. */
import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { luhnCheckDigit } from '../../domain/personnummer';

/**
 * A fresh valid personnummer born on or shortly after `yyyymmdd`. The serial comes from a database
 * sequence, so test files (each with its own module state) never hand out the same number twice.
 */
let serials: Promise<unknown> | undefined;
export async function personnummer(orm: Orm, yyyymmdd: string): Promise<string> {
  const em = orm.em.fork();
  await (serials ??= em.execute('create sequence if not exists test_personnummer_serial'));
  const [{ n }] = await em.execute<Array<{ n: string }>>("select nextval('test_personnummer_serial') as n");
  const k = Number(n) - 1;
  const born = new Date(
    Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8) + Math.floor(k / 900)),
  );
  const date = born.toISOString().slice(0, 10).replaceAll('-', '');
  const serial = String(100 + (k % 900));
  return `${date}-${serial}${luhnCheckDigit(date.slice(2) + serial)}`;
}

export interface Fixture {
  unitId: string;
  clinicianId: string;
  otherClinicianId: string;
  adultId: string;
  adultPnr: string;
  childId: string;
  guardianId: string;
  guardianPnr: string;
  protectedChildId: string;
  protectedGuardianPnr: string;
  /** HSA-ids of this unit's staff, one per role (finance and sysadmin for every unit). */
  staff: Record<'careAdmin' | 'clinician' | 'otherClinician' | 'qualityLead' | 'finance' | 'sysadmin', string>;
}

/** A Stockholm unit with a doctor, an adult, a child with guardian and a protected child with guardian. */
export async function makeFixture(orm: Orm, region: 'stockholm' | 'vgr' = 'stockholm'): Promise<Fixture> {
  const em = orm.em.fork();
  const f: Fixture = {
    unitId: randomUUID(),
    clinicianId: randomUUID(),
    otherClinicianId: randomUUID(),
    adultId: randomUUID(),
    adultPnr: await personnummer(orm, '19800101'),
    childId: randomUUID(),
    guardianId: randomUUID(),
    guardianPnr: await personnummer(orm, '19820202'),
    protectedChildId: randomUUID(),
    protectedGuardianPnr: await personnummer(orm, '19830303'),
    staff: { careAdmin: '', clinician: '', otherClinician: '', qualityLead: '', finance: '', sysadmin: '' },
  };
  const protectedGuardianId = randomUUID();
  await em.execute(
    'insert into care_unit (id, name, hsa_id, region, free_below_age, free_from_age, invoicing) values (?, ?, ?, ?, ?, ?, ?)',
    [
      f.unitId,
      `Testenheten ${f.unitId.slice(0, 4)}`,
      `HSA-${f.unitId}`,
      region,
      region === 'vgr' ? 20 : 18,
      85,
      region === 'vgr' ? 'monthly' : 'per-encounter',
    ],
  );
  for (const [id, name] of [
    [f.clinicianId, 'Maria'],
    [f.otherClinicianId, 'Olof'],
  ]) {
    await em.execute(
      `insert into clinician (id, hsa_id, given_name, family_name, title, profession, care_unit_id) values (?, ?, ?, 'Test', 'Läkare', 'doctor', ?)`,
      [id, `HSA-${id}`, name, f.unitId],
    );
  }
  const patients: Array<[string, string, string, string]> = [
    [f.adultId, f.adultPnr, 'Vuxen', 'none'],
    [f.childId, await personnummer(orm, '20180505'), 'Barn', 'none'],
    [f.guardianId, f.guardianPnr, 'Förälder', 'none'],
    [f.protectedChildId, await personnummer(orm, '20190606'), 'Skyddat barn', 'skyddad_folkbokforing'],
    [protectedGuardianId, f.protectedGuardianPnr, 'Förälder två', 'none'],
  ];
  for (const [id, pnr, name, prot] of patients) {
    await em.execute(
      `insert into patient (id, personnummer, given_name, family_name, protected_identity, email) values (?, ?, ?, 'Testsson', ?, ?)`,
      [id, pnr, name, prot, `${id}@example.se`],
    );
  }
  const grants: Array<[keyof Fixture['staff'], string, string | null]> = [
    ['clinician', 'clinician', f.unitId],
    ['otherClinician', 'clinician', f.unitId],
    ['careAdmin', 'care_admin', f.unitId],
    ['qualityLead', 'quality_lead', f.unitId],
    ['finance', 'finance', null],
    ['sysadmin', 'sysadmin', null],
  ];
  for (const [key, role, unit] of grants) {
    // A clinician logs in with the HSA-id of their clinician row; the others get their own.
    const hsaId =
      key === 'clinician'
        ? `HSA-${f.clinicianId}`
        : key === 'otherClinician'
          ? `HSA-${f.otherClinicianId}`
          : `HSA-${key}-${f.unitId}`;
    const staffId = randomUUID();
    await em.execute(
      `insert into staff (id, hsa_id, given_name, family_name, title) values (?, ?, ?, 'Test', 'Testroll')`,
      [staffId, hsaId, key],
    );
    await em.execute('insert into staff_role (staff_id, role, care_unit_id) values (?, ?, ?)', [staffId, role, unit]);
    f.staff[key] = hsaId;
  }
  await em.execute('insert into guardian_link (id, guardian_id, child_id) values (?, ?, ?), (?, ?, ?)', [
    randomUUID(),
    f.guardianId,
    f.childId,
    randomUUID(),
    protectedGuardianId,
    f.protectedChildId,
  ]);
  return f;
}

/** A slot for the clinician starting `inSeconds` from now, `minutes` long. */
export async function makeSlot(
  orm: Orm,
  clinicianId: string,
  inSeconds: number,
  minutes = 1,
): Promise<{ id: string; startsAt: Date }> {
  const id = randomUUID();
  const startsAt = new Date(Date.now() + inSeconds * 1000);
  await orm.em
    .fork()
    .execute('insert into slot (id, clinician_id, starts_at, ends_at) values (?, ?, ?, ?)', [
      id,
      clinicianId,
      startsAt,
      new Date(startsAt.getTime() + minutes * 60_000),
    ]);
  return { id, startsAt };
}
