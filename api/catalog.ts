/** Read-only lists the booking UI needs: care units, clinicians, free slots, the mail outbox. */
import { Router } from 'express';
import { z } from 'zod';
import { listCareUnits, listClinicians } from '../db/care';
import { listOutbox } from '../db/outbox';
import { listSlots } from '../db/slots';
import type { AppDeps } from './deps';
import { requireActor, staffOnly } from './auth';
import { isoInstant } from './encounters/schemas';

const SlotQuery = z.object({
  clinicianId: z.string().uuid().optional(),
  careUnitId: z.string().uuid().optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  free: z.enum(['true', 'false']).default('true'),
});

export function catalogRouter(_deps: AppDeps): Router {
  const router = Router();
  router.get('/api/care-units', requireActor, async (req, res) => {
    res.json(await listCareUnits(req.em));
  });
  router.get('/api/clinicians', requireActor, async (req, res) => {
    res.json(await listClinicians(req.em));
  });
  router.get('/api/slots', requireActor, async (req, res) => {
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
  router.get('/api/outbox', requireActor, staffOnly, async (req, res) => {
    res.json(await listOutbox(req.em, { withText: false }));
  });
  return router;
}
