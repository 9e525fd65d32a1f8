/**
 * Påminnelser (issue 27): each unit's reminder policy and SMS number, kept by sysadmin within their own
 * units. The policy goes into each new encounter's input, so a change applies to encounters created after it.
 */
import type { Request, Response } from 'express';
import { unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import { roles } from '../http/guards';
import { HttpError } from '../http/errors';
import { get, post, type RouteDef } from '../http/route';
import type { AppDeps } from '../deps';
import { listUnitReminders, setUnitReminders, type UnitReminders } from '../../db/care';
import { toE164 } from '../../domain/phone';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../../domain/reminders';

const PAGE = '/admin/paminnelser';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The form's fields in the order shown, with what staff read. */
const FIELDS = {
  atBooking: {
    label: 'SMS vid bokning',
    hint: 'Ett SMS när en tid bokas eller flyttas (kallelsen går alltid med e-post).',
  },
  dayBeforeHour: {
    label: 'Påminnelse dagen före, klockan',
    hint: 'En hel timme 0–23 (svensk tid). Lämna tomt för ingen påminnelse dagen före.',
    min: 0,
    max: 23,
  },
  dayBeforeWorkingDay: {
    label: 'Dagen före på närmast föregående arbetsdag',
    hint: 'Ja: ett möte på måndag påminns på fredagen, och röda dagar hoppas över. Nej: kalenderdagen före.',
  },
  beforeMeetingMinutes: {
    label: 'Påminnelse före mötet, minuter',
    hint: 'Så här många minuter före mötet, med länken till mötet (1–1440). Lämna tomt för ingen.',
    min: 1,
    max: 1440,
  },
  openInvitationDays: {
    label: 'Påminnelse om kallelse utan vald tid, efter dagar',
    hint: 'En kallelse där patienten ännu inte valt tid påminns en gång efter så här många dagar (1–60). Lämna tomt för ingen.',
    min: 1,
    max: 60,
  },
  waitingAlertMinutes: {
    label: 'SMS till vårdgivare och mottagning när en patient väntat, minuter',
    hint: 'När en patient väntat så här länge i väntrummet och den bokade vårdgivaren inte är i mötet (1–120). Lämna tomt för inget SMS; sidorna larmar ändå.',
    min: 1,
    max: 120,
  },
  phone: {
    label: 'Mottagningens SMS-nummer',
    hint: 'Dit SMS:et om en väntande patient går, förutom till vårdgivaren, t.ex. 070-123 45 67. Lämna tomt för inget SMS till mottagningen.',
  },
} as const;
type Field = keyof typeof FIELDS;
type FormValues = Record<Field, string>;
const YES_NO: Field[] = ['atBooking', 'dayBeforeWorkingDay'];

/** A problem with one field, in Swedish, naming it. */
interface FieldError {
  field: Field;
  message: string;
}

/** What the form shows for a stored policy (null: the default) and number. */
function valuesOf(u: UnitReminders): FormValues {
  const p = { ...DEFAULT_REMINDER_POLICY, ...u.reminderPolicy };
  const inUnits = (seconds: number | null, unit: number) =>
    seconds === null ? '' : String(Math.round(seconds / unit));
  return {
    atBooking: p.atBooking ? 'ja' : 'nej',
    dayBeforeHour: p.dayBeforeHour === null ? '' : String(p.dayBeforeHour),
    dayBeforeWorkingDay: p.dayBeforeWorkingDay ? 'ja' : 'nej',
    beforeMeetingMinutes: inUnits(p.beforeMeetingSeconds, 60),
    openInvitationDays: inUnits(p.openInvitationSeconds, 24 * 3600),
    waitingAlertMinutes: inUnits(p.waitingAlertSeconds, 60),
    phone: u.phone ?? '',
  };
}

/**
 * The posted form as a policy and number, or the first problem naming its field.
 * @param stored - the unit's stored policy, whose SMS attempts (not on the form) are kept
 */
export function parseReminderForm(
  body: Record<string, unknown>,
  stored: ReminderPolicy | null,
): { policy: ReminderPolicy; phone: string | null } | FieldError {
  const text = (f: Field) => (typeof body?.[f] === 'string' ? (body[f] as string).trim() : undefined);
  const fail = (field: Field, rule: string): FieldError => ({ field, message: `${FIELDS[field].label}: ${rule}` });
  const yesNo: Partial<Record<Field, boolean>> = {};
  for (const f of YES_NO) {
    const v = text(f);
    if (v !== 'ja' && v !== 'nej') return fail(f, 'välj ja eller nej');
    yesNo[f] = v === 'ja';
  }
  const numbers: Partial<Record<Field, number | null>> = {};
  for (const f of ['dayBeforeHour', 'beforeMeetingMinutes', 'openInvitationDays', 'waitingAlertMinutes'] as const) {
    const { min, max } = FIELDS[f];
    const v = text(f);
    if (v === undefined && body?.[f] !== undefined) return fail(f, `ange ett heltal ${min}–${max}, eller lämna tomt`);
    if (!v || v.toLowerCase() === 'av') {
      numbers[f] = null;
      continue;
    }
    const n = /^\d{1,5}$/.test(v) ? Number(v) : NaN;
    if (!(n >= min && n <= max)) return fail(f, `ange ett heltal ${min}–${max}, eller lämna tomt`);
    numbers[f] = n;
  }
  const raw = text('phone');
  if (raw === undefined && body?.phone !== undefined) return fail('phone', 'ange ett telefonnummer');
  const phone = raw ? toE164(raw) : null;
  if (raw && !phone) return fail('phone', 'inget telefonnummer (skriv t.ex. 070-123 45 67 eller +46 70 123 45 67)');
  const seconds = (n: number | null | undefined, unit: number) => (n == null ? null : n * unit);
  return {
    policy: {
      ...DEFAULT_REMINDER_POLICY,
      ...stored,
      atBooking: yesNo.atBooking!,
      dayBeforeHour: numbers.dayBeforeHour ?? null,
      dayBeforeWorkingDay: yesNo.dayBeforeWorkingDay!,
      beforeMeetingSeconds: seconds(numbers.beforeMeetingMinutes, 60),
      openInvitationSeconds: seconds(numbers.openInvitationDays, 24 * 3600),
      waitingAlertSeconds: seconds(numbers.waitingAlertMinutes, 60),
    },
    phone,
  };
}

/** The units whose reminders the caller keeps (null: every unit). */
const myUnits = (req: Request) => unitsFor(req.principal!, ['sysadmin']);

/**
 * The page: a form per unit. After a refused save the unit's form shows what was posted and the
 * problem; after a save, that it applies to encounters created from now on.
 */
async function render(
  req: Request,
  res: Response,
  opts: { failed?: { unitId: string; posted: Record<string, unknown>; error: FieldError } } = {},
) {
  const units = await listUnitReminders(req.em, myUnits(req));
  const saved = typeof req.query.sparad === 'string' ? req.query.sparad : null;
  const forms = units.map((u) => {
    const failed = opts.failed?.unitId === u.id ? opts.failed : undefined;
    const values = valuesOf(u);
    if (failed)
      for (const f of Object.keys(FIELDS) as Field[])
        if (typeof failed.posted[f] === 'string') values[f] = failed.posted[f] as string;
    return {
      unit: { id: u.id, name: u.name, hsaId: u.hsaId },
      ownPolicy: u.reminderPolicy !== null,
      saved: saved === u.id,
      error: failed?.error.message,
      rows: (Object.keys(FIELDS) as Field[]).map((name) => {
        const def: { label: string; hint: string; min?: number; max?: number } = FIELDS[name];
        return {
          name,
          id: `${name}-${u.id}`,
          label: def.label,
          hint: def.hint,
          value: values[name],
          yesNo: YES_NO.includes(name),
          phone: name === 'phone',
          min: def.min,
          max: def.max,
          invalid: failed?.error.field === name,
        };
      }),
    };
  });
  res.set('cache-control', 'no-store').render('reminders/units', {
    title: 'Påminnelser',
    forms,
    error: opts.failed?.error.message,
  });
}

export function unitReminderRoutes(_deps: AppDeps): RouteDef[] {
  return [
    get(PAGE, roles('sysadmin'), (req, res) => render(req, res)),
    post(`${PAGE}/:unitId`, roles('sysadmin'), async (req, res, caller) => {
      const mine = caller.units;
      const unitId = String(req.params.unitId);
      // What is not a UUID names no unit (and would make PostgreSQL's uuid cast fail).
      const [unit] = UUID.test(unitId) ? await listUnitReminders(req.em, [unitId]) : [];
      if (!unit) throw new HttpError(404, `unitId: no care unit ${unitId}`, 'unitId', 'not-found');
      if (mine && !mine.includes(unit.id))
        throw new HttpError(403, 'unitId: not one of your care units', 'unitId', 'forbidden');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const form = parseReminderForm(body, unit.reminderPolicy);
      if ('field' in form) {
        res.status(400);
        return render(req, res, { failed: { unitId: unit.id, posted: body, error: form } });
      }
      await req.em.transactional(async (tx) => {
        await setUnitReminders(tx, unit.id, form);
        await logAccess(
          req,
          {
            action: 'update',
            target: `care-unit:${unit.id}:paminnelser`,
            careUnitId: unit.id,
            detail: { policy: form.policy, phoneSet: form.phone !== null },
          },
          tx,
        );
      });
      res.redirect(303, `${PAGE}?sparad=${encodeURIComponent(unit.id)}#enhet-${unit.id}`);
    }),
  ];
}
