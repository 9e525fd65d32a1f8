/** Demo data for `npm start`: two care units, clinicians, slots, and patients of every kind. Idempotent. */
import { TZDate } from '@date-fns/tz';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, STOCKHOLM } from '../domain/dates';
import { luhnCheckDigit } from '../domain/personnummer';
import { isWorkingDay } from '../domain/working-days';

/** A valid 12-digit personnummer from birth date (YYYYMMDD) and a three-digit birth number. */
export function demoPersonnummer(yyyymmdd: string, serial: string): string {
  return `${yyyymmdd}-${serial}${luhnCheckDigit(yyyymmdd.slice(2) + serial)}`;
}

export const DEMO = {
  units: [
    { id: '00000000-0000-4000-8000-000000000001', name: 'Vårdcentral Södermalm', hsaId: 'SE2321000016-A1B2', region: 'stockholm', freeBelowAge: 18, freeFromAge: 85 },
    { id: '00000000-0000-4000-8000-000000000002', name: 'Närhälsan Borås vårdcentral', hsaId: 'SE2321000131-C3D4', region: 'vgr', freeBelowAge: 20, freeFromAge: 85 },
  ],
  clinicians: [
    { id: '00000000-0000-4000-8000-000000000101', hsaId: 'SE2321000016-L001', givenName: 'Maria', familyName: 'Berg', title: 'Specialistläkare allmänmedicin', profession: 'doctor', unit: 0 },
    { id: '00000000-0000-4000-8000-000000000102', hsaId: 'SE2321000016-S001', givenName: 'Johan', familyName: 'Ek', title: 'Distriktssköterska', profession: 'nurse', unit: 0 },
    { id: '00000000-0000-4000-8000-000000000103', hsaId: 'SE2321000131-L001', givenName: 'Fatima', familyName: 'Haddad', title: 'Legitimerad läkare', profession: 'doctor', unit: 1 },
    { id: '00000000-0000-4000-8000-000000000104', hsaId: 'SE2321000131-P001', givenName: 'Lars', familyName: 'Holm', title: 'Legitimerad fysioterapeut', profession: 'physiotherapist', unit: 1 },
  ],
  patients: [
    { id: '00000000-0000-4000-8000-000000000201', pnr: demoPersonnummer('19850314', '238'), givenName: 'Anna', familyName: 'Andersson', protectedIdentity: 'none', email: 'anna.andersson@example.se' },
    { id: '00000000-0000-4000-8000-000000000202', pnr: demoPersonnummer('19500702', '457'), givenName: 'Erik', familyName: 'Eriksson', protectedIdentity: 'none', email: 'erik.eriksson@example.se' },
    { id: '00000000-0000-4000-8000-000000000203', pnr: demoPersonnummer('19380120', '162'), givenName: 'Greta', familyName: 'Gustafsson', protectedIdentity: 'none', email: null },
    { id: '00000000-0000-4000-8000-000000000204', pnr: demoPersonnummer('19870909', '284'), givenName: 'Sara', familyName: 'Lindqvist', protectedIdentity: 'none', email: 'sara.lindqvist@example.se' },
    { id: '00000000-0000-4000-8000-000000000205', pnr: demoPersonnummer('20180515', '391'), givenName: 'Liam', familyName: 'Lindqvist', protectedIdentity: 'none', email: null },
    { id: '00000000-0000-4000-8000-000000000206', pnr: demoPersonnummer('19860611', '826'), givenName: 'Karin', familyName: 'Nilsson', protectedIdentity: 'none', email: 'karin.nilsson@example.se' },
    { id: '00000000-0000-4000-8000-000000000207', pnr: demoPersonnummer('20190211', '460'), givenName: 'Nora', familyName: 'Nilsson', protectedIdentity: 'skyddad_folkbokforing', email: null },
    { id: '00000000-0000-4000-8000-000000000208', pnr: demoPersonnummer('19800404', '173'), givenName: 'Per', familyName: 'Olsson', protectedIdentity: 'none', email: 'per.olsson@example.se' },
    { id: '00000000-0000-4000-8000-000000000209', pnr: demoPersonnummer('20110404', '199'), givenName: 'Olle', familyName: 'Olsson', protectedIdentity: 'none', email: 'olle.olsson@example.se' },
  ],
  /** [guardian index, child index] into `patients`. */
  guardianLinks: [
    ['00000000-0000-4000-8000-000000000301', 3, 4],
    ['00000000-0000-4000-8000-000000000302', 5, 6],
    ['00000000-0000-4000-8000-000000000303', 7, 8],
  ] as const,
};

/**
 * Inserts the demo rows that are missing and 30-minute slots 09:00–12:00 Stockholm time on
 * the next `days` working days for every clinician.
 */
export async function seedDemoData(em: EntityManager, today: string, days = 10): Promise<{ slots: number }> {
  return em.transactional(async (tx) => {
    for (const u of DEMO.units) {
      await tx.execute('insert into care_unit (id, name, hsa_id, region, free_below_age, free_from_age) values (?, ?, ?, ?, ?, ?) on conflict do nothing', [
        u.id, u.name, u.hsaId, u.region, u.freeBelowAge, u.freeFromAge,
      ]);
    }
    for (const c of DEMO.clinicians) {
      await tx.execute('insert into clinician (id, hsa_id, given_name, family_name, title, profession, care_unit_id) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing', [
        c.id, c.hsaId, c.givenName, c.familyName, c.title, c.profession, DEMO.units[c.unit].id,
      ]);
    }
    for (const p of DEMO.patients) {
      await tx.execute('insert into patient (id, personnummer, given_name, family_name, protected_identity, email) values (?, ?, ?, ?, ?, ?) on conflict do nothing', [
        p.id, p.pnr, p.givenName, p.familyName, p.protectedIdentity, p.email,
      ]);
    }
    for (const [id, g, c] of DEMO.guardianLinks) {
      await tx.execute('insert into guardian_link (id, guardian_id, child_id) values (?, ?, ?) on conflict do nothing', [id, DEMO.patients[g].id, DEMO.patients[c].id]);
    }
    let slots = 0;
    let day = today;
    for (let n = 0; n < days; day = addDays(day, 1)) {
      if (!isWorkingDay(day)) continue;
      n++;
      const [y, mo, d] = day.split('-').map(Number);
      for (const c of DEMO.clinicians) {
        for (let half = 0; half < 6; half++) {
          const start = new TZDate(y, mo - 1, d, 9 + Math.floor(half / 2), (half % 2) * 30, STOCKHOLM);
          const end = new Date(start.getTime() + 30 * 60_000);
          // The exclusion constraint refuses overlaps, so re-seeding the same day adds nothing.
          const r = await tx.execute<{ affectedRows: number }>(
            `insert into slot (id, clinician_id, starts_at, ends_at) values (gen_random_uuid(), ?, ?, ?) on conflict do nothing`,
            [c.id, new Date(start.getTime()), end],
            'run',
          );
          slots += r.affectedRows ?? 0;
        }
      }
    }
    return { slots };
  });
}
