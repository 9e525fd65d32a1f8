/**
 * Besöksregistrering (issue 25, RULES.md §10): a month's registered contacts per unit for finance and
 * quality leads, with its CSV for the patient-administration system, and each unit's code table,
 * kept by sysadmin (the codes differ per region, so none is built in).
 */
import type { Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import { optionalMonth } from '../http/forms';
import { roles } from '../http/guards';
import { HttpError } from '../http/errors';
import { get, post, type RouteDef } from '../http/route';
import { principalId } from '../auth';
import { listCareUnits } from '../../db/care';
import type { StaffRoleName } from '../../db/entities';
import { monthRegistrations, setUnitCode, unitCodes } from '../../db/registrations';
import { escapeCsvRow } from '../../domain/csv';
import { stockholmDateOf } from '../../domain/dates';
import {
  CONTACT_KIND_LABELS_SV,
  CONTACT_KINDS,
  OUTCOME_LABELS_SV,
  REGISTRATION_CSV_COLUMNS,
} from '../../domain/registration';

const READERS: StaffRoleName[] = ['finance', 'quality_lead'];
const Query = z.object({ month: optionalMonth });
const KVA = /^[A-Z]{2}\d{3}$/;
/** One kind's row of the code form (its fields are named `<kind>.contactType`, …). */
const CodeRow = z
  .object({
    contactType: z.string().trim().max(20).default(''),
    contactTypeName: z.string().trim().max(100).default(''),
    kva: z
      .string()
      .trim()
      .max(200)
      .default('')
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .refine(
        (codes) => codes.every((c) => KVA.test(c)),
        'KVÅ-koder skrivs som två bokstäver och tre siffror, t.ex. ZV051',
      ),
    fee: z.literal('on').optional(),
  })
  .refine((c) => !c.contactType || c.contactTypeName, {
    message: 'ge kontakttypen ett namn',
    path: ['contactTypeName'],
  });

/** The form's rows by kind, or the first problem in Swedish naming the row. */
function parseCodes(body: Record<string, unknown>) {
  const rows = [];
  for (const kind of CONTACT_KINDS) {
    const field = (name: string) => body?.[`${kind}.${name}`];
    const row = CodeRow.safeParse({
      contactType: field('contactType'),
      contactTypeName: field('contactTypeName'),
      kva: field('kva'),
      fee: field('fee'),
    });
    if (!row.success) return { error: `${CONTACT_KIND_LABELS_SV[kind]}: ${row.error.issues[0].message}` };
    rows.push({ kind, ...row.data });
  }
  return { rows };
}

export function registrationRoutes(_deps: AppDeps): RouteDef[] {
  const load = async (req: Request) => {
    const month = Query.parse(req.query).month ?? stockholmDateOf(new Date()).slice(0, 7);
    const rows = await monthRegistrations(req.em, month, unitsFor(req.principal!, READERS));
    await logAccess(req, {
      action: 'read',
      target: 'admin:registreringar',
      patientIds: [...new Set(rows.map((r) => r.patientId))],
      detail: { month },
    });
    return { month, rows };
  };

  const renderCodes = async (req: Request, res: import('express').Response, error?: string) => {
    const mine = unitsFor(req.principal!, ['sysadmin']);
    const units = (await listCareUnits(req.em)).filter((u) => !mine || mine.includes(u.id));
    const tables = [];
    for (const u of units) {
      const codes = await unitCodes(req.em, u.id);
      tables.push({
        unit: u,
        kinds: CONTACT_KINDS.map((k) => {
          const c = codes.find((x) => x.kind === k);
          return {
            kind: k,
            label: CONTACT_KIND_LABELS_SV[k],
            contactType: c?.contactType ?? '',
            contactTypeName: c?.contactTypeName ?? '',
            kva: c?.kvaCodes.join(' ') ?? '',
            fee: c?.patientFee ?? false,
          };
        }),
      });
    }
    res.set('cache-control', 'no-store').render('registrations/codes', { title: 'Registreringskoder', tables, error });
  };

  return [
    get('/admin/registreringar', roles(...READERS), async (req, res) => {
      const { month, rows } = await load(req);
      const byType = new Map<string, { label: string; attended: number; noShow: number }>();
      for (const r of rows) {
        const key = `${r.careUnitName}\n${r.contactTypeName ?? CONTACT_KIND_LABELS_SV[r.kind]}`;
        const t = byType.get(key) ?? { label: key.replace('\n', ' · '), attended: 0, noShow: 0 };
        if (r.outcome === 'attended') t.attended++;
        else t.noShow++;
        byType.set(key, t);
      }
      res.set('cache-control', 'no-store').render('registrations/month', {
        title: 'Besöksregistrering',
        month,
        totals: [...byType.values()],
        rows: rows.map((r) => ({
          ...r,
          kindLabel: CONTACT_KIND_LABELS_SV[r.kind],
          outcomeLabel: OUTCOME_LABELS_SV[r.outcome],
          kva: r.kvaCodes.join(', '),
        })),
        missing: rows.filter((r) => r.missingCode).length,
        csvUrl: `/admin/registreringar.csv?month=${month}`,
      });
    }),
    get('/admin/registreringar.csv', roles(...READERS), async (req, res) => {
      const { month, rows } = await load(req);
      const csv = stringify(
        rows.map((r) =>
          escapeCsvRow([
            r.contactDate,
            r.careUnitHsaId,
            r.careUnitName,
            r.personnummer,
            r.kind,
            r.contactType ?? '',
            r.contactTypeName ?? '',
            r.kvaCodes.join(' '),
            r.patientFee ? 'ja' : 'nej',
            r.outcome === 'attended' ? 'genomford' : 'uteblev',
            r.clinicianHsaId ?? '',
            r.source,
          ]),
        ),
        { header: true, delimiter: ';', columns: [...REGISTRATION_CSV_COLUMNS] },
      );
      res
        .set('content-type', 'text/csv; charset=utf-8')
        .set('cache-control', 'no-store')
        .set('content-disposition', `attachment; filename="besoksregistrering_${month}.csv"`)
        .send(`\uFEFF${csv}`);
    }),
    get('/admin/koder', roles('sysadmin'), (req, res) => renderCodes(req, res)),
    post('/admin/koder/:unitId', roles('sysadmin'), async (req, res, caller) => {
      const unit = (await listCareUnits(req.em)).find((u) => u.id === req.params.unitId);
      if (!unit) throw new HttpError(404, `unitId: no care unit ${req.params.unitId}`, 'unitId', 'not-found');
      if (caller.units && !caller.units.includes(unit.id))
        throw new HttpError(403, 'unitId: not one of your care units', 'unitId', 'forbidden');
      const form = parseCodes(req.body as Record<string, unknown>);
      if (form.error) {
        res.status(400);
        return renderCodes(req, res, form.error);
      }
      const by = principalId(req.principal!);
      await req.em.transactional(async (tx) => {
        for (const c of form.rows!)
          await setUnitCode(
            tx,
            unit.id,
            {
              kind: c.kind,
              contactType: c.contactType,
              contactTypeName: c.contactTypeName,
              kvaCodes: c.kva,
              patientFee: c.fee === 'on',
            },
            by,
          );
        await logAccess(req, { action: 'update', target: `care-unit:${unit.id}:koder`, careUnitId: unit.id }, tx);
      });
      res.redirect(303, '/admin/koder');
    }),
  ];
}
