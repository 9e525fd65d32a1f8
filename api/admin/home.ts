/** Översikt: counts of the caller's units (no patient data), each a link to its filtered list. */
import type { Request, Response } from 'express';
import { permits, unitsFor } from '../http/access';
import type { Caller } from '../http/guards';
import { countEncountersByStatus } from '../../db/encounters';
import { countOpenDeviations } from '../../db/deviations';
import { answerCounts } from '../../db/messages';
import { countTechnicalAccess } from '../../db/access-log';
import { invoiceStatusCounts } from '../../db/finance';
import { countUnmatchedPayments } from '../../db/payments';
import { addDays, isoWeekday, stockholmDateOf, stockholmMidnight } from '../../domain/dates';
import { EncounterStatus, STATUS_LABELS_SV, STEPS, EXITS } from '../../workflows/encounter.messages';
import { ENCOUNTER_READERS } from './encounter-page';

export const ALL_STATUSES: EncounterStatus[] = [...STEPS, ...EXITS];

export async function renderHome(req: Request, res: Response, { principal }: Caller): Promise<void> {
  const readsEncounters = permits(principal, ENCOUNTER_READERS);
  // Counts come from the encounter-reading roles' units only (finance or sysadmin alone count nothing).
  const units = readsEncounters ? unitsOfReaders(principal) : [];
  const byStatus = await countEncountersByStatus(req.em, { careUnitIds: units });
  const max = Math.max(1, ...byStatus.values());
  const bars = ALL_STATUSES.map((s, i) => ({
    status: s,
    label: STATUS_LABELS_SV[s],
    n: byStatus.get(s) ?? 0,
    y: i * 26,
    width: Math.round(((byStatus.get(s) ?? 0) / max) * 300),
  }));
  // Today and this week in Stockholm, as instants for the list's filters.
  const today = stockholmDateOf(new Date());
  const monday = addDays(today, 1 - isoWeekday(today));
  const [dayStart, dayEnd, weekStart, weekEnd] = [today, addDays(today, 1), monday, addDays(monday, 7)].map(
    stockholmMidnight,
  );
  const todays = await countEncountersByStatus(req.em, { careUnitIds: units, from: dayStart, to: dayEnd });
  const noShows =
    (await countEncountersByStatus(req.em, { careUnitIds: units, from: weekStart, to: weekEnd })).get('no-show') ?? 0;
  const open = await countOpenDeviations(req.em, units);
  const answers = await answerCounts(req.em, units, today);
  const listUrl = (q: Record<string, string>) => `/admin/encounters?${new URLSearchParams(q).toString()}`;
  const card = (id: string, label: string, n: number, href: string) => ({ id, label, n, href });
  // Finance staff see their invoices' standing, a technical role today's logins and refusals (no patient data).
  let financeCards = null;
  if (permits(principal, ['finance'])) {
    const inv = await invoiceStatusCounts(req.em, unitsFor(principal, ['finance']));
    const list = (status: string) => `/admin/ekonomi/fakturor?status=${status}`;
    financeCards = [
      card('invoices-open', 'Obetalda fakturor', (inv.open ?? 0) + (inv['partly-paid'] ?? 0), list('open')),
      card('invoices-reminded', 'Påminda fakturor', inv.reminded ?? 0, list('reminded')),
      card('invoices-overdue', 'Förfallna fakturor', inv.overdue ?? 0, list('overdue')),
      card(
        'payments-unmatched',
        'Omatchade betalningar',
        await countUnmatchedPayments(req.em),
        '/admin/ekonomi/betalningar',
      ),
    ];
  }
  let technicalCards = null;
  if (permits(principal, ['sysadmin'])) {
    const t = await countTechnicalAccess(req.em, dayStart);
    const todays = `/admin/logs?from=${today}&to=${today}`;
    technicalCards = [
      card('logins-today', 'Inloggningar i dag', t.logins, todays),
      card('refused-today', 'Nekade åtkomster i dag', t.refused, todays),
    ];
  }
  res.render('home', {
    title: 'Översikt',
    readsEncounters,
    financeCards,
    technicalCards,
    bars,
    chartHeight: bars.length * 26,
    total: [...byStatus.values()].reduce((a, b) => a + b, 0),
    today: ALL_STATUSES.filter((s) => todays.get(s)).map((s) => ({
      label: STATUS_LABELS_SV[s],
      n: todays.get(s),
      href: listUrl({ status: s, from: today, to: today }),
    })),
    cards: [
      card('in-video', 'I väntrum eller videomöte nu', byStatus.get('video') ?? 0, listUrl({ status: 'video' })),
      card(
        'open-deviations',
        'Öppna avvikelser',
        [...open.values()].reduce((a, b) => a + b, 0),
        '/admin/deviations?status=new',
      ),
      card(
        'overdue-documentation',
        'Försenade journalanteckningar',
        open.get('missing-documentation') ?? 0,
        '/admin/deviations?category=missing-documentation',
      ),
      card('answers-due-today', 'Meddelanden att besvara i dag', answers.dueToday, '/admin/meddelanden'),
      card('answers-overdue', 'Försenade svar på meddelanden', answers.overdue, '/admin/meddelanden'),
      card(
        'no-shows-week',
        'Uteblivna besök den här veckan',
        noShows,
        listUrl({ status: 'no-show', from: monday, to: addDays(monday, 6) }),
      ),
    ],
  });
}

const unitsOfReaders = (p: Caller['principal']) => unitsFor(p, ['care_admin', 'clinician', 'quality_lead']);
