/** Read-only lists the booking UI needs: care units, clinicians, free slots, the mail outbox. */
import { Router } from 'express';
import { z } from 'zod';
import { listCareUnits, listClinicians } from '../db/care';
import { listOutbox } from '../db/outbox';
import { listSlots } from '../db/slots';
import type { AppDeps } from './deps';
import { allow, Grantee } from './http/access';
import { logAccess } from './http/audit';
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

export function catalogRouter(_deps: AppDeps): Router {
  const router = Router();
  router.get('/api/care-units', allow(...CATALOG_READERS), async (req, res) => {
    res.json(await listCareUnits(req.em));
  });
  router.get('/api/clinicians', allow(...CATALOG_READERS), async (req, res) => {
    res.json(await listClinicians(req.em));
  });
  router.get('/api/slots', allow(...CATALOG_READERS), async (req, res) => {
    const q = SlotQuery.parse(req.query);
    res.json(
      await listSlots(req.em, {
        from: q.from,
        to: q.to,
        clinicianId: q.clinicianId,
        careUnitId: q.careUnitId,
        freeOnly: q.free === 'true',
      }),
    );
  });
  // Recipients' addresses are patient data: care administrators only, and logged.
  router.get('/api/outbox', allow('care_admin'), async (req, res) => {
    const messages = await listOutbox(req.em, { withText: false });
    await logAccess(req, { action: 'list', target: 'outbox' });
    res.set('cache-control', 'no-store').json(messages);
  });
  return router;
}
