/** Request bodies and query strings of the encounter API, validated at the edge. */
import { z } from 'zod';
import { ELIGIBILITY_KEYS } from '../../domain/eligibility';
import { CHECKLIST_ITEMS } from '../../workflows/encounter.messages';
import { decodeCursor } from '../../db/encounters';

/** An ISO 8601 instant with offset, within years the database and the calendar rules handle. */
export const isoInstant = z
  .string()
  .datetime({ offset: true })
  .refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 1900 && year < 2200;
  }, 'must be between the years 1900 and 2199');

export const PolicyOverrides = z
  .object({
    noShowGraceSeconds: z.number().int().min(1),
    roomOpensBeforeSeconds: z.number().int().min(0),
    documentationReminderSeconds: z.number().int().min(1),
    documentationOverdueSeconds: z.number().int().min(1),
    lateCancelSeconds: z.number().int().min(0),
    activityTimeoutSeconds: z.number().int().min(1),
    mediaDownGraceSeconds: z.number().int().min(1),
    journalReceiptSeconds: z.number().int().min(1),
    invoice: z
      .object({
        reminderAfterDueSeconds: z.number().int().min(0),
        reminderTermsDays: z.number().int().min(1),
        dueSeconds: z.number().int().min(1),
        collectSeconds: z.number().int().min(0),
        reminderSeconds: z.number().int().min(1),
        activityTimeoutSeconds: z.number().int().min(1),
      })
      .partial()
      .strict(),
    reminders: z
      .object({
        atBooking: z.boolean(),
        dayBeforeHour: z.number().int().min(0).max(23).nullable(),
        dayBeforeWorkingDay: z.boolean(),
        beforeMeetingSeconds: z.number().int().min(1).nullable(),
        openInvitationSeconds: z.number().int().min(1).nullable(),
        waitingAlertSeconds: z.number().int().min(1).nullable(),
        smsAttempts: z.number().int().min(1).max(20),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export const CreateEncounter = z
  .object({
    patientId: z.string().uuid().optional(),
    personnummer: z.string().min(10).optional(),
    careUnitId: z.string().uuid(),
    reason: z.string().max(500).optional(),
    /** Send it as a kallelse with this text for the patient (RULES.md §7). */
    invitation: z
      .object({ purpose: z.string().trim().min(1).max(1000) })
      .strict()
      .optional(),
    policy: PolicyOverrides.optional(),
  })
  .strict()
  .refine((b) => Boolean(b.patientId) !== Boolean(b.personnummer), {
    message: 'give exactly one of patientId or personnummer',
    path: ['patientId'],
  });

export const ListEncounters = z.object({
  status: z.string().optional(),
  careUnitId: z.string().uuid().optional(),
  clinicianId: z.string().uuid().optional(),
  patientId: z.string().uuid().optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  sort: z.enum(['newest', 'oldest']).default('newest'),
  /** The previous page's `nextCursor`: continue after it (fast at any depth). */
  after: z
    .string()
    .max(200)
    .transform((v, ctx) => {
      const c = decodeCursor(v);
      if (!c) ctx.addIssue({ code: 'custom', message: 'not a cursor from this list' });
      return c ?? undefined;
    })
    .optional(),
});

export const Eligibility = z.object({
  answers: z
    .object(
      Object.fromEntries(ELIGIBILITY_KEYS.map((k) => [k, z.boolean()])) as Record<
        (typeof ELIGIBILITY_KEYS)[number],
        z.ZodBoolean
      >,
    )
    .strict(),
});
export const SlotChoice = z.object({ slotId: z.string().uuid() }).strict();
export const Checklist = z.object({
  items: z
    .object(
      Object.fromEntries(CHECKLIST_ITEMS.map((k) => [k, z.boolean()])) as Record<
        (typeof CHECKLIST_ITEMS)[number],
        z.ZodBoolean
      >,
    )
    .strict(),
});
export const Participant = z
  .object({ role: z.enum(['patient', 'clinician']), event: z.enum(['joined', 'left']) })
  .strict();
export const PhoneFallback = z.object({ error: z.string().min(1).max(1000) }).strict();
export const JournalNote = z.object({ text: z.string().trim().min(1, 'text must not be empty').max(20_000) }).strict();
export const Cancel = z.object({ reason: z.string().trim().min(1, 'reason must not be empty').max(500) }).strict();
export const IdParam = z.object({ id: z.string().uuid() });
