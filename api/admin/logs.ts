/**
 * Loggar: the access log for those who follow it up. Search by patient, staff member and period; a
 * printable extract of everyone who accessed one patient's data (the patient's right under
 * Patientdatalagen); a random sample of accesses to review (HSLF-FS 2016:40, systematic follow-up).
 * A quality lead reads their units' rows (a grant for every unit reads all); sysadmin, a technical
 * role, reads only rows about no patient. A personnummer comes by POST, never in an address.
 * Reading the log about a patient is itself an access to that patient's data, and is logged.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { permits, unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import { roles, type Caller } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';
import { findPatient, findPatientIdByPersonnummer } from '../../db/people';
import { AccessRow, LogScope, sampleAccessLog, searchAccessLog } from '../../db/access-log';
import { accessActionLabel, ACCESS_OUTCOME_LABELS, sv } from '../../domain/labels';
import { addDays, stockholmDateOf, stockholmMidnight } from '../../domain/dates';
import { optional, optionalDay } from '../http/forms';
import { parsePersonnummer } from '../../domain/personnummer';
import { HttpError } from '../http/errors';

const READERS = ['quality_lead', 'sysadmin'] as const;
const Search = z.object({
  patientId: optional(z.string().uuid()),
  hsaId: optional(z.string().max(64)),
  from: optionalDay,
  to: optionalDay,
});
const ByPersonnummer = z.object({ personnummer: z.string().trim().max(20) });
const Sample = z.object({ from: optionalDay, to: optionalDay, n: z.coerce.number().int().min(1).max(200).default(25) });

const midnight = (day: string) => stockholmMidnight(day).toISOString();

/** A quality lead's units (null: all); a reader who is only sysadmin sees no patient's rows. */
const scopeOf = ({ principal }: Caller): LogScope =>
  permits(principal, ['quality_lead']) ? { units: unitsFor(principal, ['quality_lead']) } : { noPatients: true };

/** The patient behind a personnummer (400 for an invalid one, null for one we do not know). */
async function patientByPersonnummer(req: Request, personnummer: string) {
  let normalized: string;
  try {
    normalized = parsePersonnummer(personnummer).normalized;
  } catch {
    throw new HttpError(400, 'personnummer: inte ett giltigt personnummer', 'personnummer', 'validation');
  }
  const id = await findPatientIdByPersonnummer(req.em, normalized);
  return id ? await findPatient(req.em, id) : null;
}

/** The extract names the patient; everyone else by name, unit and role, never by personnummer. */
const rowsView = (rows: AccessRow[], patientPnr?: string) =>
  rows.map((r) => ({
    ...r,
    who: r.actorName
      ? `${r.actorName} (${r.actor})`
      : /^\d{12}$/.test(r.actor)
        ? r.actor === patientPnr
          ? 'patienten själv'
          : 'annan e-legitimerad person (vårdnadshavare)'
        : r.actor,
    personnummer: patientPnr ? undefined : r.personnummer,
    unit: r.unitName ?? '–',
    what: accessActionLabel(r.action),
    outcome: sv(ACCESS_OUTCOME_LABELS, r.outcome),
    refused: r.outcome !== 'ok',
  }));

async function search(
  req: Request,
  res: Response,
  caller: Caller,
  q: z.infer<typeof Search>,
  patient?: { id: string } | null,
) {
  const p = patient === undefined ? (q.patientId ? await findPatient(req.em, q.patientId) : undefined) : patient;
  const searched = Boolean(p !== undefined || q.hsaId || q.from || q.to);
  const rows =
    p === null || !searched
      ? []
      : await searchAccessLog(req.em, {
          patientId: p?.id,
          actor: q.hsaId,
          from: q.from ? midnight(q.from) : undefined,
          to: q.to ? midnight(addDays(q.to, 1)) : undefined,
          limit: 500,
          scope: scopeOf(caller),
        });
  if (searched)
    await logAccess(req, {
      action: 'read',
      target: 'access-log',
      patientIds: p ? [p.id] : [...new Set(rows.map((r) => r.patientId))],
      detail: { by: p ? 'patient' : q.hsaId ? 'staff' : 'period' },
    });
  res.render('logs/search', {
    title: 'Loggar',
    q,
    searched,
    unknownPatient: p === null,
    patient: p,
    rows: rowsView(rows),
    extractUrl: p ? `/admin/logs/extract?patientId=${p.id}` : null,
  });
}

export function logRoutes(_deps: AppDeps): RouteDef[] {
  return [
    get('/admin/logs', roles(...READERS), (req, res, caller) => search(req, res, caller, Search.parse(req.query))),
    post('/admin/logs', roles(...READERS), async (req, res, caller) => {
      const { personnummer } = ByPersonnummer.parse(req.body);
      const q = Search.parse({ hsaId: req.body.hsaId, from: req.body.from, to: req.body.to });
      await search(req, res, caller, q, personnummer ? await patientByPersonnummer(req, personnummer) : undefined);
    }),
    get('/admin/logs/extract', roles(...READERS), async (req, res, caller) => {
      const { patientId } = z.object({ patientId: z.string().uuid() }).parse(req.query);
      const patient = await findPatient(req.em, patientId);
      if (!patient) throw new HttpError(404, 'Ingen sådan patient.', 'patientId', 'not-found');
      const rows = await searchAccessLog(req.em, { patientId: patient.id, limit: 100_000, scope: scopeOf(caller) });
      await logAccess(req, { action: 'export', target: 'access-log:extract', patientIds: [patient.id] });
      res.render('logs/extract', {
        title: 'Utdrag ur åtkomstloggen',
        patient,
        rows: rowsView(rows, patient.personnummer),
        printedAt: new Date().toISOString(),
      });
    }),
    get('/admin/logs/sample', roles(...READERS), async (req, res, caller) => {
      const q = Sample.parse(req.query);
      const today = stockholmDateOf(new Date());
      const from = q.from ?? addDays(today, -30);
      const to = q.to ?? today;
      const scope = scopeOf(caller);
      const rows =
        'noPatients' in scope
          ? []
          : await sampleAccessLog(req.em, {
              from: midnight(from),
              to: midnight(addDays(to, 1)),
              n: q.n,
              units: scope.units,
            });
      await logAccess(req, {
        action: 'read',
        target: 'access-log:sample',
        patientIds: [...new Set(rows.map((r) => r.patientId))],
      });
      res.render('logs/sample', { title: 'Stickprov ur åtkomstloggen', rows: rowsView(rows), from, to, n: q.n });
    }),
  ];
}
