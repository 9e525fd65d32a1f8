/** Demo data for `npm start`: two care units, clinicians, slots, and patients of every kind, with SMS numbers. Idempotent. */
import { TZDate } from '@date-fns/tz';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, STOCKHOLM } from '../domain/dates';
import { luhnCheckDigit } from '../domain/personnummer';
import { isWorkingDay } from '../domain/working-days';
import { ensureCare } from './care';
import { Patient, VisitCode } from './entities';
import { fillNulls, insertIgnore } from './insert';
import type { UnitCode } from '../domain/registration';
import { ensurePeople } from './people';
import { addSlots } from './slots';
import { ensureStaff } from './staff';
import type { Invoicing, Profession, ProtectedIdentity, Region, StaffRoleName } from './entities';

/**
 * Where `npm start` writes a BgMax file paying the demo's open invoices, inside the data folder
 * (`.data/` unless VARDMOTE_DATA_DIR says otherwise); the import page names it outside production.
 */
export const DEMO_BGMAX_SAMPLE = 'demo/bgmax-exempel.txt';

/**
 * A demo phone number: PTS keeps 070-174 06 05 … 070-174 06 99 for fiction, so an SMS to one reaches
 * nobody even if it left the test SMS centre (E.164, as the SMS centre wants it).
 * @param n - 5–99
 */
const fictionMobile = (n: number) => `+4670174${String(600 + n).padStart(4, '0')}`;

/** A valid 12-digit personnummer from birth date (YYYYMMDD) and a three-digit birth number. */
export function demoPersonnummer(yyyymmdd: string, serial: string): string {
  return `${yyyymmdd}-${serial}${luhnCheckDigit(yyyymmdd.slice(2) + serial)}`;
}

interface DemoUnit {
  id: string;
  name: string;
  hsaId: string;
  region: Region;
  freeBelowAge: number;
  freeFromAge: number;
  invoicing?: Invoicing;
  /** The unit's SMS number for a patient waiting unnoticed (E.164). */
  phone: string;
}

const UNITS = {
  sodermalm: {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Vårdcentral Södermalm',
    hsaId: 'SE2321000016-A1B2',
    region: 'stockholm',
    freeBelowAge: 18,
    freeFromAge: 85,
    phone: fictionMobile(5),
  },
  boras: {
    id: '00000000-0000-4000-8000-000000000002',
    name: 'Närhälsan Borås vårdcentral',
    hsaId: 'SE2321000131-C3D4',
    region: 'vgr',
    freeBelowAge: 20,
    freeFromAge: 85,
    invoicing: 'monthly',
    phone: fictionMobile(6),
  },
} satisfies Record<string, DemoUnit>;

export type DemoUnitName = keyof typeof UNITS;

const DEMO_CODES: UnitCode[] = [
  { kind: 'video', contactType: 'VI', contactTypeName: 'Videomöte', kvaCodes: ['ZV051'], patientFee: true },
  { kind: 'phone', contactType: 'TE', contactTypeName: 'Telefonkontakt', kvaCodes: ['ZV051'], patientFee: true },
  {
    kind: 'chat',
    contactType: 'BR',
    contactTypeName: 'Skriftlig distanskontakt',
    kvaCodes: ['ZV051', 'XS003'],
    patientFee: false,
  },
];

interface DemoClinician {
  id: string;
  /** The clinician's login (staff row), with the same HSA-id. */
  staffId: string;
  hsaId: string;
  givenName: string;
  familyName: string;
  title: string;
  profession: Profession;
  unit: DemoUnitName;
  /** For the SMS when a patient waits unnoticed (E.164). */
  phone: string;
}

interface DemoPatient {
  id: string;
  pnr: string;
  givenName: string;
  familyName: string;
  protectedIdentity: ProtectedIdentity;
  email: string | null;
  /** Where SMS reminders go (E.164): the demo's patients with mail have a mobile number too. */
  phone: string | null;
}

const PATIENTS = {
  anna: {
    id: '00000000-0000-4000-8000-000000000201',
    pnr: demoPersonnummer('19850314', '238'),
    givenName: 'Anna',
    familyName: 'Andersson',
    protectedIdentity: 'none',
    email: 'anna.andersson@example.se',
    phone: fictionMobile(11),
  },
  erik: {
    id: '00000000-0000-4000-8000-000000000202',
    pnr: demoPersonnummer('19500702', '457'),
    givenName: 'Erik',
    familyName: 'Eriksson',
    protectedIdentity: 'none',
    email: 'erik.eriksson@example.se',
    phone: fictionMobile(12),
  },
  greta: {
    id: '00000000-0000-4000-8000-000000000203',
    pnr: demoPersonnummer('19380120', '162'),
    givenName: 'Greta',
    familyName: 'Gustafsson',
    protectedIdentity: 'none',
    email: null,
    phone: null,
  },
  sara: {
    id: '00000000-0000-4000-8000-000000000204',
    pnr: demoPersonnummer('19870909', '284'),
    givenName: 'Sara',
    familyName: 'Lindqvist',
    protectedIdentity: 'none',
    email: 'sara.lindqvist@example.se',
    phone: fictionMobile(13),
  },
  liam: {
    id: '00000000-0000-4000-8000-000000000205',
    pnr: demoPersonnummer('20180515', '391'),
    givenName: 'Liam',
    familyName: 'Lindqvist',
    protectedIdentity: 'none',
    email: null,
    phone: null,
  },
  karin: {
    id: '00000000-0000-4000-8000-000000000206',
    pnr: demoPersonnummer('19860611', '826'),
    givenName: 'Karin',
    familyName: 'Nilsson',
    protectedIdentity: 'none',
    email: 'karin.nilsson@example.se',
    phone: fictionMobile(14),
  },
  nora: {
    id: '00000000-0000-4000-8000-000000000207',
    pnr: demoPersonnummer('20190211', '460'),
    givenName: 'Nora',
    familyName: 'Nilsson',
    protectedIdentity: 'skyddad_folkbokforing',
    email: null,
    phone: null,
  },
  per: {
    id: '00000000-0000-4000-8000-000000000208',
    pnr: demoPersonnummer('19800404', '173'),
    givenName: 'Per',
    familyName: 'Olsson',
    protectedIdentity: 'none',
    email: 'per.olsson@example.se',
    phone: fictionMobile(15),
  },
  olle: {
    id: '00000000-0000-4000-8000-000000000209',
    pnr: demoPersonnummer('20110404', '199'),
    givenName: 'Olle',
    familyName: 'Olsson',
    protectedIdentity: 'none',
    email: 'olle.olsson@example.se',
    phone: fictionMobile(16),
  },
  johanna: {
    id: '00000000-0000-4000-8000-000000000210',
    pnr: demoPersonnummer('19790823', '248'),
    givenName: 'Johanna',
    familyName: 'Berglund',
    protectedIdentity: 'none',
    email: 'johanna.berglund@example.se',
    phone: fictionMobile(17),
  },
  maja: {
    id: '00000000-0000-4000-8000-000000000211',
    pnr: demoPersonnummer('20140310', '327'),
    givenName: 'Maja',
    familyName: 'Berglund',
    protectedIdentity: 'none',
    email: null,
    phone: null,
  },
  mikael: {
    id: '00000000-0000-4000-8000-000000000212',
    pnr: demoPersonnummer('19750130', '159'),
    givenName: 'Mikael',
    familyName: 'Strand',
    protectedIdentity: 'none',
    email: 'mikael.strand@example.se',
    phone: fictionMobile(18),
  },
  elsa: {
    id: '00000000-0000-4000-8000-000000000213',
    pnr: demoPersonnummer('20090620', '284'),
    givenName: 'Elsa',
    familyName: 'Strand',
    protectedIdentity: 'none',
    email: 'elsa.strand@example.se',
    phone: fictionMobile(19),
  },
  sven: {
    id: '00000000-0000-4000-8000-000000000214',
    pnr: demoPersonnummer('19721111', '335'),
    givenName: 'Sven',
    familyName: 'Svensson',
    protectedIdentity: 'skyddad_folkbokforing',
    email: null,
    phone: null,
  },
} satisfies Record<string, DemoPatient>;

export type DemoPatientName = keyof typeof PATIENTS;

interface DemoStaffMember {
  id: string;
  hsaId: string;
  givenName: string;
  familyName: string;
  title: string;
  /** A unit by name, or null: every unit. */
  grants: Array<{ role: StaffRoleName; unit: DemoUnitName | null }>;
}

/** The demo's records by name: readers say `DEMO.patients.anna`, never a position. */
export const DEMO = {
  units: UNITS,
  clinicians: {
    maria: {
      id: '00000000-0000-4000-8000-000000000101',
      staffId: '00000000-0000-4000-8000-000000004101',
      hsaId: 'SE2321000016-L001',
      givenName: 'Maria',
      familyName: 'Berg',
      title: 'Specialistläkare allmänmedicin',
      profession: 'doctor',
      unit: 'sodermalm',
      phone: fictionMobile(21),
    },
    johan: {
      id: '00000000-0000-4000-8000-000000000102',
      staffId: '00000000-0000-4000-8000-000000004102',
      hsaId: 'SE2321000016-S001',
      givenName: 'Johan',
      familyName: 'Ek',
      title: 'Distriktssköterska',
      profession: 'nurse',
      unit: 'sodermalm',
      phone: fictionMobile(22),
    },
    fatima: {
      id: '00000000-0000-4000-8000-000000000103',
      staffId: '00000000-0000-4000-8000-000000004103',
      hsaId: 'SE2321000131-L001',
      givenName: 'Fatima',
      familyName: 'Haddad',
      title: 'Legitimerad läkare',
      profession: 'doctor',
      unit: 'boras',
      phone: fictionMobile(23),
    },
    lars: {
      id: '00000000-0000-4000-8000-000000000104',
      staffId: '00000000-0000-4000-8000-000000004104',
      hsaId: 'SE2321000131-P001',
      givenName: 'Lars',
      familyName: 'Holm',
      title: 'Legitimerad fysioterapeut',
      profession: 'physiotherapist',
      unit: 'boras',
      phone: fictionMobile(24),
    },
  } satisfies Record<string, DemoClinician>,
  patients: PATIENTS,
  /** Who is guardian (vårdnadshavare) of whom, by name. */
  guardianLinks: [
    { id: '00000000-0000-4000-8000-000000000301', guardian: 'sara', child: 'liam' },
    { id: '00000000-0000-4000-8000-000000000302', guardian: 'karin', child: 'nora' },
    { id: '00000000-0000-4000-8000-000000000303', guardian: 'per', child: 'olle' },
    { id: '00000000-0000-4000-8000-000000000304', guardian: 'johanna', child: 'maja' },
    { id: '00000000-0000-4000-8000-000000000305', guardian: 'mikael', child: 'elsa' },
  ] satisfies Array<{ id: string; guardian: DemoPatientName; child: DemoPatientName }>,
  /** Staff who log in with SITHS besides the clinicians (each of whom logs in too): one member per other role. */
  staff: {
    eva: {
      id: '00000000-0000-4000-8000-000000000401',
      hsaId: 'SE2321000016-A101',
      givenName: 'Eva',
      familyName: 'Strömberg',
      title: 'Vårdadministratör',
      grants: [{ role: 'care_admin', unit: 'sodermalm' }],
    },
    ali: {
      id: '00000000-0000-4000-8000-000000000402',
      hsaId: 'SE2321000131-A101',
      givenName: 'Ali',
      familyName: 'Karimi',
      title: 'Vårdadministratör',
      grants: [{ role: 'care_admin', unit: 'boras' }],
    },
    omar: {
      id: '00000000-0000-4000-8000-000000000403',
      hsaId: 'SE2321000016-F001',
      givenName: 'Omar',
      familyName: 'Said',
      title: 'Ekonom',
      grants: [{ role: 'finance', unit: null }],
    },
    helena: {
      id: '00000000-0000-4000-8000-000000000404',
      hsaId: 'SE2321000016-Q001',
      givenName: 'Helena',
      familyName: 'Wik',
      title: 'Kvalitetssamordnare',
      grants: [{ role: 'quality_lead', unit: null }],
    },
    nils: {
      id: '00000000-0000-4000-8000-000000000405',
      hsaId: 'SE2321000016-X001',
      givenName: 'Nils',
      familyName: 'Dahl',
      title: 'Systemförvaltare',
      grants: [{ role: 'sysadmin', unit: null }],
    },
  } satisfies Record<string, DemoStaffMember>,
};

export type DemoClinicianName = keyof typeof DEMO.clinicians;

/** The demo staff as rows: every clinician's login (same HSA-id as the clinician), then the other roles. */
export function demoStaff() {
  const clinicians = Object.values(DEMO.clinicians).map((c) => ({
    id: c.staffId,
    hsaId: c.hsaId,
    givenName: c.givenName,
    familyName: c.familyName,
    title: c.title,
    grants: [{ role: 'clinician' as StaffRoleName, careUnitId: DEMO.units[c.unit].id as string | null }],
  }));
  const others = Object.values(DEMO.staff as Record<string, DemoStaffMember>).map(({ grants, ...rest }) => ({
    ...rest,
    grants: grants.map((g) => ({ role: g.role, careUnitId: g.unit === null ? null : DEMO.units[g.unit].id })),
  }));
  return [...clinicians, ...others];
}

/**
 * Inserts the demo rows that are missing and 30-minute slots 09:00–12:00 Stockholm time on
 * the next `days` working days for every clinician.
 */
export async function seedDemoData(em: EntityManager, today: string, days = 10): Promise<{ slots: number }> {
  return em.transactional(async (tx) => {
    await ensureCare(
      tx,
      Object.values(DEMO.units as Record<DemoUnitName, DemoUnit>),
      Object.values(DEMO.clinicians).map(({ unit, staffId: _login, ...c }) => ({
        ...c,
        careUnitId: DEMO.units[unit].id,
      })),
    );
    await ensurePeople(
      tx,
      Object.values(DEMO.patients as Record<DemoPatientName, DemoPatient>).map(({ pnr, ...p }) => ({
        ...p,
        personnummer: pnr,
      })),
      DEMO.guardianLinks.map((l) => ({
        id: l.id,
        guardianId: DEMO.patients[l.guardian].id,
        childId: DEMO.patients[l.child].id,
      })),
    );
    // A database seeded before patients had numbers gets them now; a number changed since is kept.
    await fillNulls(
      tx,
      Patient,
      'phone',
      Object.values(DEMO.patients as Record<DemoPatientName, DemoPatient>).map((p) => ({ id: p.id, value: p.phone })),
    );
    await ensureStaff(tx, demoStaff());
    // Example registration codes (RULES.md §10 cites VGR's chat row; the video and phone rows are
    // examples to replace): a sysadmin's later edits are kept, missing rows come back.
    await insertIgnore(
      tx,
      VisitCode,
      Object.values(DEMO.units).flatMap((u) =>
        DEMO_CODES.map((c) => ({ careUnitId: u.id, ...c, updatedBy: 'demo', updatedAt: new Date() })),
      ),
    );
    const slots: Array<{ clinicianId: string; startsAt: Date; endsAt: Date }> = [];
    let day = today;
    for (let n = 0; n < days; day = addDays(day, 1)) {
      if (!isWorkingDay(day)) continue;
      n++;
      const [y, mo, d] = day.split('-').map(Number);
      for (const c of Object.values(DEMO.clinicians)) {
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
