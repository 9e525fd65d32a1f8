/** Mina sidor: a patient's (or guardian's) own encounters, and the identity step done by logging in. */
import type { AppDeps } from '../deps';
import { patientsFor } from '../http/access';
import { logAccess, shownPatients } from '../http/audit';
import { listEncounters } from '../../db/encounters';
import * as m from '../../workflows/encounter.messages';
import { patientCharges } from '../../db/finance';
import { findPatient } from '../../db/people';
import { tr, type Lang } from '../../domain/i18n';
import { stockholmDateOf } from '../../domain/dates';
import { ceilingFor, periodEnd } from '../../domain/fees';
import { invoiceLabel } from '../../domain/invoices';
import { encounterScoped, roles } from '../http/guards';
import { runUpdate } from '../encounters/updates';
import { get, post, type RouteDef } from '../http/route';
import { OPEN_STEPS } from './meetings';
import { homeExtras } from './home-items';
import { rateEncounter, ratingViews } from './rating';
import { statusText } from './texts';

/** A code's text from a table of the catalogue, or its neutral 'other' (never the code word). */
const label = (lang: Lang, table: 'charge.kind' | 'charge.reason' | 'invoiceStatus', code: string) => {
  const text = tr(lang, `${table}.${code}`);
  return text === `${table}.${code}` ? tr(lang, 'charge.other') : text;
};

export function patientRoutes({ temporal, config }: AppDeps): RouteDef[] {
  // Mina avgifter: each charge with its invoice, the high-cost protection so far and the free card.

  // The identity step: the logged-in person's own e-ID (LoA3) is what the workflow checks against the patient.
  return [
    get('/mina-sidor', roles('patient'), async (req, res) => {
      const mine = (await patientsFor(req.em, req.principal!)) ?? [];
      const page = mine.length
        ? await listEncounters(req.em, { patientIds: mine.map((x) => x.patientId), page: 1, pageSize: 50 })
        : { items: [], total: 0 };
      await logAccess(req, {
        action: 'list',
        target: 'mina-sidor',
        patientIds: shownPatients(page.items),
      });
      const rating = await ratingViews(req, page.items);
      const lang = req.lang;
      // What happens next, the open room and a kallelse to answer, from each live meeting's state (issue 28).
      const extras = await homeExtras(temporal, page.items, lang);
      res.set('cache-control', 'no-store').render('patient/home', {
        layout: 'meet',
        title: tr(lang, 'home.title'),
        notice:
          req.query.klart !== undefined
            ? tr(lang, 'home.identityConfirmed')
            : req.query.betyg !== undefined
              ? tr(lang, 'home.rated')
              : null,
        ratingChoices: rating.choices,
        commentMax: rating.commentMax,
        items: page.items.map((i) => ({
          ...i,
          statusLabel: statusText(lang, i.status),
          needsIdentity: i.status === 'identity',
          // A booked time not yet over: the patient confirms or cancels it on the meeting's page (issue 27).
          canConfirmOrCancel: !!i.scheduledStart && OPEN_STEPS.includes(i.status as m.EncounterStatus),
          forChild: mine.find((x) => x.patientId === i.patientId)?.actingAs === 'guardian',
          rating: rating.view(i),
          ...extras.get(i.id),
        })),
      });
    }),
    get('/mina-sidor/avgifter', roles('patient'), async (req, res) => {
      const mine = (await patientsFor(req.em, req.principal!)) ?? [];
      const today = stockholmDateOf(new Date());
      const people = [];
      for (const x of mine) {
        const patient = (await findPatient(req.em, x.patientId))!;
        const { charges, periods } = await patientCharges(req.em, x.patientId);
        const current = periods.find((p) => p.startDate <= today && today <= periodEnd(p.startDate)) ?? null;
        people.push({
          name: `${patient.givenName} ${patient.familyName}`,
          forChild: x.actingAs === 'guardian',
          charges: charges.map((c) => ({
            visitDate: c.visitDate,
            kind: label(req.lang, 'charge.kind', c.kind),
            reason: label(req.lang, 'charge.reason', c.reason),
            amountOre: c.amountOre,
            invoice: c.invoice
              ? {
                  label: invoiceLabel(c.invoice.series, c.invoice.number),
                  status: label(req.lang, 'invoiceStatus', c.invoice.status),
                  dueDate: c.invoice.dueDate,
                  ocr: c.invoice.ocr,
                }
              : null,
            credited: c.creditNote ? invoiceLabel(c.creditNote.series, c.creditNote.number) : null,
          })),
          period: current && {
            startDate: current.startDate,
            endDate: periodEnd(current.startDate),
            paidOre: current.paidOre,
            ceilingOre: ceilingFor(current.startDate),
            remainingOre: Math.max(0, ceilingFor(current.startDate) - current.paidOre),
            freeCardUntil: current.freeCardUntil ?? null,
          },
        });
      }
      await logAccess(req, { action: 'read', target: 'mina-sidor:avgifter', patientIds: mine.map((x) => x.patientId) });
      const title = tr(req.lang, 'feesPage.title');
      res.render('patient/fees', { layout: 'meet', title, people, bankgiro: config.finance.bankgiro });
    }),
    // The identity step is the logged-in person's own verified e-ID.
    post('/mina-sidor/vardmoten/:id/legitimera', encounterScoped('patient'), async (req, res, enc) => {
      const p = enc.principal as Extract<typeof enc.principal, { kind: 'person' }>;
      const claims: m.IdentityClaims = { personnummer: p.personnummer, loa: p.loa, method: p.method };
      await runUpdate(temporal, req, enc, m.recordIdentityUpdate, { claims });
      res.redirect(303, '/mina-sidor?klart');
    }),
    // The patient's (or guardian's) rating of a closed encounter, once (issue 27).
    post('/mina-sidor/moten/:id/betyg', encounterScoped('patient'), async (req, res, enc) => {
      await rateEncounter(req, enc, req.body);
      res.redirect(303, `/mina-sidor?betyg#betyg-${enc.row.id}`);
    }),
  ];
}
