/** Demo data for `npm start`: two care units, clinicians, slots, and patients of every kind. Idempotent. */
import { TZDate } from '@date-fns/tz';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, STOCKHOLM } from '../domain/dates';
import { luhnCheckDigit } from '../domain/personnummer';
import { isWorkingDay } from '../domain/working-days';
import { ensureCare } from './care';
import { ensurePeople } from './people';
import { addSlots } from './slots';
import { ensureStaff } from './staff';
import type { StaffRoleName } from './entities';

/** A valid 12-digit personnummer from birth date (YYYYMMDD) and a three-digit birth number. */
export function demoPersonnummer(yyyymmdd: string, serial: string): string {
  return `${yyyymmdd}-${serial}${luhnCheckDigit(yyyymmdd.slice(2) + serial)}`;
}

export const DEMO = {
  units: [
    {
      id: '00000000-0000-4000-8000-000000000001',
      name: 'Vårdcentral Södermalm',
      hsaId: 'SE2321000016-A1B2',
      region: 'stockholm' as const,
      freeBelowAge: 18,
      freeFromAge: 85,
    },
    {
      id: '00000000-0000-4000-8000-000000000002',
      name: 'Närhälsan Borås vårdcentral',
      hsaId: 'SE2321000131-C3D4',
      region: 'vgr' as const,
      freeBelowAge: 20,
      freeFromAge: 85,
      invoicing: 'monthly' as const,
    },
  ],
  clinicians: [
    {
      id: '00000000-0000-4000-8000-000000000101',
      hsaId: 'SE2321000016-L001',
      givenName: 'Maria',
      familyName: 'Berg',
      title: 'Specialistläkare allmänmedicin',
      profession: 'doctor' as const,
      unit: 0,
    },
    {
      id: '00000000-0000-4000-8000-000000000102',
      hsaId: 'SE2321000016-S001',
      givenName: 'Johan',
      familyName: 'Ek',
      title: 'Distriktssköterska',
      profession: 'nurse' as const,
      unit: 0,
    },
    {
      id: '00000000-0000-4000-8000-000000000103',
      hsaId: 'SE2321000131-L001',
      givenName: 'Fatima',
      familyName: 'Haddad',
      title: 'Legitimerad läkare',
      profession: 'doctor' as const,
      unit: 1,
    },
    {
      id: '00000000-0000-4000-8000-000000000104',
      hsaId: 'SE2321000131-P001',
      givenName: 'Lars',
      familyName: 'Holm',
      title: 'Legitimerad fysioterapeut',
      profession: 'physiotherapist' as const,
      unit: 1,
    },
  ],
  patients: [
    {
      id: '00000000-0000-4000-8000-000000000201',
      pnr: demoPersonnummer('19850314', '238'),
      givenName: 'Anna',
      familyName: 'Andersson',
      protectedIdentity: 'none' as const,
      email: 'anna.andersson@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000202',
      pnr: demoPersonnummer('19500702', '457'),
      givenName: 'Erik',
      familyName: 'Eriksson',
      protectedIdentity: 'none' as const,
      email: 'erik.eriksson@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000203',
      pnr: demoPersonnummer('19380120', '162'),
      givenName: 'Greta',
      familyName: 'Gustafsson',
      protectedIdentity: 'none' as const,
      email: null,
    },
    {
      id: '00000000-0000-4000-8000-000000000204',
      pnr: demoPersonnummer('19870909', '284'),
      givenName: 'Sara',
      familyName: 'Lindqvist',
      protectedIdentity: 'none' as const,
      email: 'sara.lindqvist@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000205',
      pnr: demoPersonnummer('20180515', '391'),
      givenName: 'Liam',
      familyName: 'Lindqvist',
      protectedIdentity: 'none' as const,
      email: null,
    },
    {
      id: '00000000-0000-4000-8000-000000000206',
      pnr: demoPersonnummer('19860611', '826'),
      givenName: 'Karin',
      familyName: 'Nilsson',
      protectedIdentity: 'none' as const,
      email: 'karin.nilsson@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000207',
      pnr: demoPersonnummer('20190211', '460'),
      givenName: 'Nora',
      familyName: 'Nilsson',
      protectedIdentity: 'skyddad_folkbokforing' as const,
      email: null,
    },
    {
      id: '00000000-0000-4000-8000-000000000208',
      pnr: demoPersonnummer('19800404', '173'),
      givenName: 'Per',
      familyName: 'Olsson',
      protectedIdentity: 'none' as const,
      email: 'per.olsson@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000209',
      pnr: demoPersonnummer('20110404', '199'),
      givenName: 'Olle',
      familyName: 'Olsson',
      protectedIdentity: 'none' as const,
      email: 'olle.olsson@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000210',
      pnr: demoPersonnummer('19790823', '248'),
      givenName: 'Johanna',
      familyName: 'Berglund',
      protectedIdentity: 'none' as const,
      email: 'johanna.berglund@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000211',
      pnr: demoPersonnummer('20140310', '327'),
      givenName: 'Maja',
      familyName: 'Berglund',
      protectedIdentity: 'none' as const,
      email: null,
    },
    {
      id: '00000000-0000-4000-8000-000000000212',
      pnr: demoPersonnummer('19750130', '159'),
      givenName: 'Mikael',
      familyName: 'Strand',
      protectedIdentity: 'none' as const,
      email: 'mikael.strand@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000213',
      pnr: demoPersonnummer('20090620', '284'),
      givenName: 'Elsa',
      familyName: 'Strand',
      protectedIdentity: 'none' as const,
      email: 'elsa.strand@example.se',
    },
    {
      id: '00000000-0000-4000-8000-000000000214',
      pnr: demoPersonnummer('19721111', '335'),
      givenName: 'Sven',
      familyName: 'Svensson',
      protectedIdentity: 'skyddad_folkbokforing' as const,
      email: null,
    },
  ],
  /** [guardian index, child index] into `patients`. */
  guardianLinks: [
    ['00000000-0000-4000-8000-000000000301', 3, 4],
    ['00000000-0000-4000-8000-000000000302', 5, 6],
    ['00000000-0000-4000-8000-000000000303', 7, 8],
    ['00000000-0000-4000-8000-000000000304', 9, 10],
    ['00000000-0000-4000-8000-000000000305', 11, 12],
  ] as const,
  /** Staff who log in with SITHS: every clinician, and one member per other role. Unit index null: all units. */
  staff: [
    ...[0, 1, 2, 3].map((i) => ({ clinician: i })),
    {
      id: '00000000-0000-4000-8000-000000000401',
      hsaId: 'SE2321000016-A101',
      givenName: 'Eva',
      familyName: 'Strömberg',
      title: 'Vårdadministratör',
      grants: [{ role: 'care_admin' as const, unit: 0 }],
    },
    {
      id: '00000000-0000-4000-8000-000000000402',
      hsaId: 'SE2321000131-A101',
      givenName: 'Ali',
      familyName: 'Karimi',
      title: 'Vårdadministratör',
      grants: [{ role: 'care_admin' as const, unit: 1 }],
    },
    {
      id: '00000000-0000-4000-8000-000000000403',
      hsaId: 'SE2321000016-F001',
      givenName: 'Omar',
      familyName: 'Said',
      title: 'Ekonom',
      grants: [{ role: 'finance' as const, unit: null }],
    },
    {
      id: '00000000-0000-4000-8000-000000000404',
      hsaId: 'SE2321000016-Q001',
      givenName: 'Helena',
      familyName: 'Wik',
      title: 'Kvalitetssamordnare',
      grants: [{ role: 'quality_lead' as const, unit: null }],
    },
    {
      id: '00000000-0000-4000-8000-000000000405',
      hsaId: 'SE2321000016-X001',
      givenName: 'Nils',
      familyName: 'Dahl',
      title: 'Systemförvaltare',
      grants: [{ role: 'sysadmin' as const, unit: null }],
    },
  ] as Array<
    | { clinician: number }
    | {
        id: string;
        hsaId: string;
        givenName: string;
        familyName: string;
        title: string;
        grants: Array<{ role: StaffRoleName; unit: number | null }>;
      }
  >,
};

/** The demo staff as rows: a clinician's login shares the clinician's id and HSA-id. */
export function demoStaff() {
  return DEMO.staff.map((s) => {
    if ('clinician' in s) {
      const c = DEMO.clinicians[s.clinician];
      return {
        id: c.id.replace(/01(\d\d)$/, '41$1'),
        hsaId: c.hsaId,
        givenName: c.givenName,
        familyName: c.familyName,
        title: c.title,
        grants: [{ role: 'clinician' as const, careUnitId: DEMO.units[c.unit].id }],
      };
    }
    const { grants, ...rest } = s;
    return {
      ...rest,
      grants: grants.map((g) => ({ role: g.role, careUnitId: g.unit === null ? null : DEMO.units[g.unit].id })),
    };
  });
}

/**
 * Inserts the demo rows that are missing and 30-minute slots 09:00–12:00 Stockholm time on
 * the next `days` working days for every clinician.
 */
export async function seedDemoData(em: EntityManager, today: string, days = 10): Promise<{ slots: number }> {
  return em.transactional(async (tx) => {
    await ensureCare(
      tx,
      DEMO.units,
      DEMO.clinicians.map(({ unit, ...c }) => ({ ...c, careUnitId: DEMO.units[unit].id })),
    );
    await ensurePeople(
      tx,
      DEMO.patients.map(({ pnr, ...p }) => ({ ...p, personnummer: pnr })),
      DEMO.guardianLinks.map(([id, g, c]) => ({ id, guardianId: DEMO.patients[g].id, childId: DEMO.patients[c].id })),
    );
    await ensureStaff(tx, demoStaff());
    const slots: Array<{ clinicianId: string; startsAt: Date; endsAt: Date }> = [];
    let day = today;
    for (let n = 0; n < days; day = addDays(day, 1)) {
      if (!isWorkingDay(day)) continue;
      n++;
      const [y, mo, d] = day.split('-').map(Number);
      for (const c of DEMO.clinicians) {
        for (let half = 0; half < 6; half++) {
          const start = new TZDate(y, mo - 1, d, 9 + Math.floor(half / 2), (half % 2) * 30, STOCKHOLM);
          slots.push({
            clinicianId: c.id,
            startsAt: new Date(start.getTime()),
            endsAt: new Date(start.getTime() + 30 * 60_000),
          });
        }
      }
    }
    // The exclusion constraint refuses overlaps, so re-seeding the same day adds nothing.
    return { slots: await addSlots(tx, slots) };
  });
}
