/** Read-only lists the booking UI needs: care units, clinicians, free slots, the mail outbox. */
import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from './deps';
import { requireActor, staffOnly } from './auth';

const SlotQuery = z.object({
  clinicianId: z.string().uuid().optional(),
  careUnitId: z.string().uuid().optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  free: z.enum(['true', 'false']).default('true'),
});

export function catalogRouter({ orm }: AppDeps): Router {
  const router = Router();
  router.get('/api/care-units', requireActor, async (_req, res) => {
    res.json(await orm.em.fork().execute('select id, name, hsa_id as "hsaId", region, free_below_age as "freeBelowAge", free_from_age as "freeFromAge" from care_unit order by name'));
  });
  router.get('/api/clinicians', requireActor, async (_req, res) => {
    res.json(
      await orm.em
        .fork()
        .execute('select id, hsa_id as "hsaId", given_name as "givenName", family_name as "familyName", title, profession, care_unit_id as "careUnitId" from clinician order by family_name'),
    );
  });
  router.get('/api/slots', requireActor, async (req, res) => {
    const q = SlotQuery.parse(req.query);
    const where = ['s.starts_at >= coalesce(?::timestamptz, now())'];
    const params: unknown[] = [q.from ?? null];
    const add = (sql: string, v: unknown) => {
      where.push(sql);
      params.push(v);
    };
    if (q.to) add('s.starts_at < ?', q.to);
    if (q.clinicianId) add('s.clinician_id = ?', q.clinicianId);
    if (q.careUnitId) add('c.care_unit_id = ?', q.careUnitId);
    if (q.free === 'true') where.push('not exists (select 1 from booking b where b.slot_id = s.id and b.released_at is null)');
    res.json(
      await orm.em
        .fork()
        .execute(
          `select s.id, s.clinician_id as "clinicianId", s.starts_at as "startsAt", s.ends_at as "endsAt" from slot s join clinician c on c.id = s.clinician_id where ${where.join(' and ')} order by s.starts_at limit 500`,
          params,
        ),
    );
  });
  router.get('/api/outbox', requireActor, staffOnly, async (_req, res) => {
    res.json(
      await orm.em
        .fork()
        .execute('select id, encounter_id as "encounterId", recipient, subject, status, error, created_at as "createdAt", sent_at as "sentAt" from outbox_message order by created_at desc limit 200'),
    );
  });
  return router;
}
