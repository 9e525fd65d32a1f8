/**
 * Test data by option, written by the same db/ functions as the demo seed (ensureCare, ensurePeople,
 * ensureStaff, addSlotIfFree). Each call makes its own units, clinicians, patients and staff, so tests
 * never collide: `await makeFixture(orm, { units: ['boras'], with: ['staff', 'guardian'] })`.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ensureCare } from '../db/care';
import type { ProtectedIdentity, Region, StaffRoleName } from '../db/entities';
import type { Orm } from '../db/orm';
import { ensurePeople } from '../db/people';
import { addSlotIfFree } from '../db/slots';
import { ensureStaff } from '../db/staff';
import { addDays } from '../domain/dates';
import { luhnCheckDigit } from '../domain/personnummer';

/** Unit templates, named as the demo's: Södermalm bills each visit in Stockholm, Borås once a month in VGR. */
const UNIT_TEMPLATES = {
  sodermalm: { region: 'stockholm', freeBelowAge: 18, freeFromAge: 85, invoicing: 'per-encounter' },
  boras: { region: 'vgr', freeBelowAge: 20, freeFromAge: 85, invoicing: 'monthly' },
} as const;
export type FixtureUnitName = keyof typeof UNIT_TEMPLATES;

/** What a fixture may have besides its units, clinicians and one adult patient. */
export type FixtureExtra =
  /** One login per role (care administrator, clinician, quality lead of the first unit; finance, sysadmin of all). */
  | 'staff'
  /** A child of 7 with a guardian. */
  | 'guardian'
  /** A child with protected identity (skyddad folkbokföring) and the child's guardian. */
  | 'protected-child'
  /** A second doctor at the first unit. */
  | 'other-clinician';

export interface FixtureUnit {
  id: string;
  region: Region;
  /** The unit's doctor. */
  clinicianId: string;
}

/** Every fixture: its units by name, and the first unit's id, doctor and adult patient at top level. */
export interface Fixture {
  unitId: string;
  clinicianId: string;
  adultId: string;
  adultPnr: string;
}

export type StaffKey = 'careAdmin' | 'clinician' | 'qualityLead' | 'finance' | 'sysadmin';

/** The typed result of `makeFixture`: the parts asked for, and only those. */
export type FixtureWith<W extends FixtureExtra = never, U extends FixtureUnitName = never> = Fixture & {
  units: Record<U, FixtureUnit>;
} & ('staff' extends W ? { /** HSA-ids to log in with, one per role. */ staff: Record<StaffKey, string> } : unknown) &
  ('guardian' extends W ? { childId: string; guardianId: string; guardianPnr: string } : unknown) &
  ('protected-child' extends W ? { protectedChildId: string; protectedGuardianPnr: string } : unknown) &
  ('other-clinician' extends W ? { otherClinicianId: string } : unknown);

export interface FixtureOptions<W extends FixtureExtra, U extends FixtureUnitName> {
  /** Default `['sodermalm']`; the first is the fixture's `unitId`. */
  units?: U[];
  with?: W[];
}

/**
 * A valid personnummer born on `yyyymmdd` or up to 60 days after, with a random birth number: unique
 * enough that `addPatient` rarely needs a second try.
 */
export function randomPersonnummer(yyyymmdd: string): string {
  const day = addDays(`${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`, randomInt(60));
  const date = day.replaceAll('-', '');
  const serial = String(randomInt(100, 1000));
  return `${date}-${serial}${luhnCheckDigit(date.slice(2) + serial)}`;
}

/** Adds a patient born around `born` and returns their id and personnummer; a taken personnummer is drawn again. */
async function addPatient(
  em: EntityManager,
  born: string,
  givenName: string,
  protectedIdentity: ProtectedIdentity = 'none',
): Promise<{ id: string; pnr: string }> {
  for (;;) {
    const id = randomUUID();
    const pnr = randomPersonnummer(born);
    const added = await ensurePeople(
      em,
      [{ id, personnummer: pnr, givenName, familyName: 'Testsson', protectedIdentity, email: `${id}@example.se` }],
      [],
    );
    if (added.patients === 1) return { id, pnr };
  }
}

/** Makes the fixture asked for: by default one Stockholm unit with a doctor and an adult patient. */
export async function makeFixture<W extends FixtureExtra = never, U extends FixtureUnitName = 'sodermalm'>(
  orm: Orm,
  opts: FixtureOptions<W, U> = {},
): Promise<FixtureWith<W, U>> {
  const em = orm.em.fork();
  const names = (opts.units?.length ? opts.units : ['sodermalm']) as U[];
  const extras = new Set<FixtureExtra>(opts.with ?? []);
  const units = Object.fromEntries(
    names.map((name) => [name, { id: randomUUID(), region: UNIT_TEMPLATES[name].region, clinicianId: randomUUID() }]),
  ) as Record<U, FixtureUnit>;
  const first = units[names[0]];
  const otherClinicianId = randomUUID();
  const clinicians = [
    ...names.map((name) => ({ id: units[name].clinicianId, givenName: 'Maria', careUnitId: units[name].id })),
    ...(extras.has('other-clinician') ? [{ id: otherClinicianId, givenName: 'Olof', careUnitId: first.id }] : []),
  ];
  await ensureCare(
    em,
    names.map((name) => {
      const { invoicing, ...rules } = UNIT_TEMPLATES[name];
      const id = units[name].id;
      return { id, name: `Testenheten ${id.slice(0, 4)}`, hsaId: `HSA-${id}`, ...rules, invoicing };
    }),
    clinicians.map((c) => ({
      ...c,
      hsaId: `HSA-${c.id}`,
      familyName: 'Test',
      title: 'Läkare',
      profession: 'doctor' as const,
    })),
  );
  const adult = await addPatient(em, '19800101', 'Vuxen');
  const f: Record<string, unknown> = {
    units,
    unitId: first.id,
    clinicianId: first.clinicianId,
    adultId: adult.id,
    adultPnr: adult.pnr,
  };

  const links: Array<{ id: string; guardianId: string; childId: string }> = [];
  if (extras.has('guardian')) {
    const child = await addPatient(em, '20180505', 'Barn');
    const guardian = await addPatient(em, '19820202', 'Förälder');
    Object.assign(f, { childId: child.id, guardianId: guardian.id, guardianPnr: guardian.pnr });
    links.push({ id: randomUUID(), guardianId: guardian.id, childId: child.id });
  }
  if (extras.has('protected-child')) {
    const child = await addPatient(em, '20190606', 'Skyddat barn', 'skyddad_folkbokforing');
    const guardian = await addPatient(em, '19830303', 'Förälder två');
    Object.assign(f, { protectedChildId: child.id, protectedGuardianPnr: guardian.pnr });
    links.push({ id: randomUUID(), guardianId: guardian.id, childId: child.id });
  }
  await ensurePeople(em, [], links);
  if (extras.has('other-clinician')) f.otherClinicianId = otherClinicianId;

  if (extras.has('staff')) {
    // A clinician logs in with the HSA-id of their clinician row; the others get their own.
    const grants: Array<[StaffKey | 'otherClinician', StaffRoleName, string | null, string]> = [
      ['clinician', 'clinician', first.id, `HSA-${first.clinicianId}`],
      ['careAdmin', 'care_admin', first.id, `HSA-careAdmin-${first.id}`],
      ['qualityLead', 'quality_lead', first.id, `HSA-qualityLead-${first.id}`],
      ['finance', 'finance', null, `HSA-finance-${first.id}`],
      ['sysadmin', 'sysadmin', null, `HSA-sysadmin-${first.id}`],
      ...(extras.has('other-clinician')
        ? [
            ['otherClinician', 'clinician', first.id, `HSA-${otherClinicianId}`] as [
              StaffKey | 'otherClinician',
              StaffRoleName,
              string,
              string,
            ],
          ]
        : []),
    ];
    await ensureStaff(
      em,
      grants.map(([key, role, careUnitId, hsaId]) => ({
        id: randomUUID(),
        hsaId,
        givenName: key,
        familyName: 'Test',
        title: 'Testroll',
        grants: [{ role, careUnitId }],
      })),
    );
    f.staff = Object.fromEntries(grants.filter(([key]) => key !== 'otherClinician').map(([key, , , h]) => [key, h]));
  }
  return f as FixtureWith<W, U>;
}

/**
 * A slot for the clinician starting `inSeconds` from now (negative: already started), `minutes` long.
 * Throws when it overlaps one of theirs.
 */
export async function makeSlot(
  orm: Orm,
  clinicianId: string,
  inSeconds: number,
  minutes = 1,
): Promise<{ id: string; startsAt: Date }> {
  const startsAt = new Date(Date.now() + inSeconds * 1000);
  const id = await addSlotIfFree(orm.em.fork(), clinicianId, startsAt, new Date(startsAt.getTime() + minutes * 60_000));
  if (!id) throw new Error(`the slot at ${startsAt.toISOString()} overlaps one of clinician ${clinicianId}'s`);
  return { id, startsAt };
}
