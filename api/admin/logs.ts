/**
 * Loggar: the access log for those who follow it up. Search by patient, staff member and period; a
 * printable extract of everyone who accessed one patient's data (the patient's right under
 * Patientdatalagen); a random sample of accesses to review (HSLF-FS 2016:40, systematic follow-up).
 * Reading the log about a patient is itself an access to that patient's data, and is logged.
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { logAccess } from '../http/audit';
import { findPatient, findPatientIdByPersonnummer } from '../../db/people';
import { AccessRow, sampleAccessLog, searchAccessLog } from '../../db/access-log';
import { accessActionLabel, ACCESS_OUTCOME_LABELS, sv } from '../../domain/labels';
import { addDays, stockholmDateOf, stockholmMidnight } from '../../domain/dates';
import { optional, optionalDay } from '../http/forms';
import { parsePersonnummer } from '../../domain/personnummer';
import { HttpError } from '../http/errors';
import { roles } from '../http/guards';
import { get, type RouteDef } from '../http/route';

const Search = z.object({
  personnummer: optional(z.string().max(20)),
  hsaId: optional(z.string().max(64)),
  from: optionalDay,
  to: optionalDay,
});
const Sample = z.object({ from: optionalDay, to: optionalDay, n: z.coerce.number().int().min(1).max(200).default(25) });

const midnight = (day: string) => stockholmMidnight(day).toISOString();

/** The patient behind a personnummer (400 for an invalid one, none for one we do not know). */
async function patientOf(req: Request, personnummer: string | undefined) {
  if (!personnummer) return undefined;
  let normalized: string;
  try {
    normalized = parsePersonnummer(personnummer).normalized;
  } catch {
    throw new HttpError(400, 'personnummer: inte ett giltigt personnummer', 'personnummer', 'validation');
  }
  const id = await findPatientIdByPersonnummer(req.em, normalized);
  return id ? await findPatient(req.em, id) : null;
}

const rowsView = (rows: AccessRow[]) =>
  rows.map((r) => ({
    ...r,
    who: r.actorName ? `${r.actorName} (${r.actor})` : r.actor,
    what: accessActionLabel(r.action),
    outcome: sv(ACCESS_OUTCOME_LABELS, r.outcome),
    refused: r.outcome !== 'ok',
  }));

export function logRoutes(_deps: AppDeps): RouteDef[] {
  const READERS = ['quality_lead', 'sysadmin'] as const;

  return [
    get('/admin/logs', roles(...READERS), async (req, res) => {
      const q = Search.parse(req.query);
      const patient = await patientOf(req, q.personnummer);
      const searched = Boolean(q.personnummer || q.hsaId || q.from || q.to);
      const rows =
        patient === null || !searched
          ? []
          : await searchAccessLog(req.em, {
              patientId: patient?.id,
              actor: q.hsaId,
              from: q.from ? midnight(q.from) : undefined,
              to: q.to ? midnight(addDays(q.to, 1)) : undefined,
              limit: 500,
            });
      if (searched)
        await logAccess(req, {
          action: 'read',
          target: 'access-log',
          patientIds: patient ? [patient.id] : [...new Set(rows.map((r) => r.patientId))],
          detail: { by: q.personnummer ? 'patient' : q.hsaId ? 'staff' : 'period' },
        });
      res.render('logs/search', {
        title: 'Loggar',
        q,
        searched,
        unknownPatient: patient === null,
        patient,
        rows: rowsView(rows),
        extractUrl: patient ? `/admin/logs/extract?personnummer=${encodeURIComponent(patient.personnummer)}` : null,
      });
    }),
    get('/admin/logs/extract', roles(...READERS), async (req, res) => {
      const q = Search.parse(req.query);
      const patient = await patientOf(req, q.personnummer);
      if (!patient) throw new HttpError(404, 'Ingen patient med det personnumret.', 'personnummer', 'not-found');
      const rows = await searchAccessLog(req.em, { patientId: patient.id, limit: 100_000 });
      await logAccess(req, { action: 'export', target: 'access-log:extract', patientIds: [patient.id] });
      res.render('logs/extract', {
        title: 'Utdrag ur åtkomstloggen',
        patient,
        rows: rowsView(rows),
        printedAt: new Date().toISOString(),
      });
    }),
    get('/admin/logs/sample', roles(...READERS), async (req, res) => {
      const q = Sample.parse(req.query);
      const today = stockholmDateOf(new Date());
      const from = q.from ?? addDays(today, -30);
      const to = q.to ?? today;
      const rows = await sampleAccessLog(req.em, { from: midnight(from), to: midnight(addDays(to, 1)), n: q.n });
      await logAccess(req, {
        action: 'read',
        target: 'access-log:sample',
        patientIds: [...new Set(rows.map((r) => r.patientId))],
      });
      res.render('logs/sample', { title: 'Stickprov ur åtkomstloggen', rows: rowsView(rows), from, to, n: q.n });
    }),
  ];
}
