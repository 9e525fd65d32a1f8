/** Read-only lists the booking UI needs: care units, clinicians, free slots, the mail outbox. */
import type { Request } from 'express';
import { z } from 'zod';
import { listCareUnits, listClinicians } from '../db/care';
import { listOutbox } from '../db/outbox';
import { OUTBOX_CHANNEL_LABELS, smsDeliveryLabel } from '../domain/labels';
import { listSlots } from '../db/slots';
import type { AppDeps } from './deps';
import type { Grantee } from './http/access';
import { roles } from './http/guards';
import { get, type RouteDef } from './http/route';
import { logAccess, shownPatients } from './http/audit';
import { isoInstant } from './encounters/schemas';

const SlotQuery = z.object({
  clinicianId: z.string().uuid().optional(),
  careUnitId: z.string().uuid().optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  free: z.enum(['true', 'false']).default('true'),
});

/** The booking catalogue holds no patient data: every logged-in user and reading machine may see it. */
const CATALOG_READERS: Grantee[] = [
  'care_admin',
  'clinician',
  'finance',
  'quality_lead',
  'sysadmin',
  'patient',
  'scope:encounters:read',
];

export function catalogRoutes(_deps: AppDeps): RouteDef[] {
  return [
    get('/api/care-units', roles(...CATALOG_READERS), async (req, res) => void res.json(await listCareUnits(req.em))),
    get('/api/clinicians', roles(...CATALOG_READERS), async (req, res) => void res.json(await listClinicians(req.em))),
    get('/api/slots', roles(...CATALOG_READERS), async (req, res) => void res.json(await slots(req))),
    // Recipients' addresses are patient data: care administrators of the mail's unit only, and logged.
    get(
      '/api/outbox',
      roles('care_admin'),
      async (req, res, { units }) =>
        void res.set('cache-control', 'no-store').json(await readOutbox(req, units, { withText: false })),
    ),
  ];
}

async function slots(req: Request) {
  const q = SlotQuery.parse(req.query);
  return listSlots(req.em, {
    from: q.from,
    to: q.to,
    clinicianId: q.clinicianId,
    careUnitId: q.careUnitId,
    freeOnly: q.free === 'true',
  });
}

/** The Utkorg of the caller's units, access-logged with the patients whose mail it showed. */
export async function readOutbox(req: Request, units: string[] | null, opts: { withText: boolean }) {
  const messages = (await listOutbox(req.em, { ...opts, units })).map((m) => ({
    ...m,
    channelLabel: OUTBOX_CHANNEL_LABELS[m.channel],
    deliveryLabel: smsDeliveryLabel(m),
  }));
  await logAccess(req, {
    action: 'list',
    target: opts.withText ? 'admin:outbox' : 'outbox',
    careUnitId: units?.length === 1 ? units[0] : null,
    patientIds: shownPatients(messages),
  });
  return messages;
}
