/** Vårdmöten: the encounter list of the caller's units, with filters and cursor paging. */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { permits } from '../http/access';
import type { Caller } from '../http/guards';
import { logAccess, shownPatients } from '../http/audit';
import { HttpError } from '../http/errors';
import { optional, optionalDay } from '../http/forms';
import { ListEncounters } from '../encounters/schemas';
import { statusLabel } from '../../domain/labels';
import { waitingForLabel } from '../../domain/waiting-for';
import { addDays, stockholmMidnight } from '../../domain/dates';
import { parsePersonnummer } from '../../domain/personnummer';
import { listCareUnits, listClinicians } from '../../db/care';
import { listEncounters } from '../../db/encounters';
import { findPatient, findPatientIdByPersonnummer } from '../../db/people';
import { STATUS_LABELS_SV } from '../../workflows/encounter.messages';
import { ALL_STATUSES } from './home';

/** The list page's query: the API's filters, with whole Stockholm days (a patient by id, never a personnummer). */
const AdminListQuery = ListEncounters.extend({
  status: optional(z.string()),
  careUnitId: optional(z.string().uuid()),
  clinicianId: optional(z.string().uuid()),
  patientId: optional(z.string().uuid()),
  from: optionalDay,
  to: optionalDay,
});
/** Matches no patient: a personnummer we do not know finds nothing. */
const NO_PATIENT = '00000000-0000-0000-0000-000000000000';

/**
 * POST /admin/encounters/sok: the personnummer comes in the body (never a URL or a log line) and
 * leaves as the patient's id in the list's links.
 */
export async function searchByPersonnummer(req: Request, res: Response, caller: Caller): Promise<void> {
  const raw = z.object({ personnummer: z.string().trim().max(20).optional() }).parse(req.body).personnummer;
  let patientId: string | undefined;
  if (raw) {
    let normalized: string;
    try {
      normalized = parsePersonnummer(raw).normalized;
    } catch {
      throw new HttpError(400, 'personnummer: inte ett giltigt personnummer', 'personnummer', 'validation');
    }
    patientId = (await findPatientIdByPersonnummer(req.em, normalized)) ?? NO_PATIENT;
  }
  const { personnummer: _, _csrf: __, ...filters } = req.body as Record<string, unknown>;
  return renderList(req, res, caller, { ...filters, ...(patientId ? { patientId } : {}) }, Boolean(raw));
}

export async function renderList(
  req: Request,
  res: Response,
  { units: scope, principal }: Caller,
  query: unknown = req.query,
  bySearch = false,
): Promise<void> {
  const q = AdminListQuery.parse(query);
  const page = await listEncounters(req.em, {
    ...q,
    from: q.from ? stockholmMidnight(q.from).toISOString() : undefined,
    to: q.to ? stockholmMidnight(addDays(q.to, 1)).toISOString() : undefined,
    careUnitIds: scope ?? undefined,
  });
  await logAccess(req, {
    action: 'list',
    target: 'admin:encounters',
    patientIds: shownPatients(page.items),
    detail: q.patientId ? { search: bySearch ? 'personnummer' : 'patient' } : undefined,
  });
  res.set('cache-control', 'no-store');
  const pages = page.totalCapped ? null : Math.max(1, Math.ceil(page.total / q.pageSize));
  const units = (await listCareUnits(req.em)).filter((u) => !scope || scope.includes(u.id));
  const clinicians = (await listClinicians(req.em)).filter((c) => units.some((u) => u.id === c.careUnitId));
  const patient = q.patientId && q.patientId !== NO_PATIENT ? await findPatient(req.em, q.patientId) : null;
  // The filters, kept in the pager's links.
  const keep = Object.fromEntries(
    Object.entries({
      sort: q.sort === 'oldest' ? 'oldest' : undefined,
      status: q.status,
      careUnitId: q.careUnitId,
      clinicianId: q.clinicianId,
      patientId: q.patientId,
      from: q.from,
      to: q.to,
    }).filter(([, v]) => v),
  ) as Record<string, string>;
  const at = (n: number, after?: string) =>
    `/admin/encounters?${new URLSearchParams({ ...keep, page: String(n), ...(after ? { after } : {}) }).toString()}`;
  res.render('encounters/list', {
    title: 'Vårdmöten',
    items: page.items.map((i) => ({
      ...i,
      statusLabel: statusLabel(i.status),
      waitingFor: waitingForLabel(i.waitingFor),
    })),
    total: page.totalCapped ? `över ${page.total.toLocaleString('sv-SE')}` : page.total,
    canCreate: permits(principal, ['care_admin']),
    statuses: ALL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS_SV[s], selected: s === q.status })),
    units: units.map((u) => ({ value: u.id, label: u.name, selected: u.id === q.careUnitId })),
    clinicians: clinicians.map((c) => ({
      value: c.id,
      label: `${c.givenName} ${c.familyName}`,
      selected: c.id === q.clinicianId,
    })),
    filter: q,
    patient: patient ? { id: patient.id, name: `${patient.givenName} ${patient.familyName}` } : null,
    page: q.page,
    pages,
    prev: q.page > 1 ? at(q.page - 1) : null,
    next: page.items.length === q.pageSize ? at(q.page + 1, page.lastCursor!) : null,
  });
}
