/**
 * A few months of demo history (scripts/demo-history-plan.ts), so every back-office page has
 * something to show after `npm start`. It is written after the fact through the same db/ writers,
 * fee activity, invoice books and BgMax import as the live system, each step at its own time and in
 * time order: fees, free cards and invoice numbers come out as they would have.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FinanceSettings } from '../config';
import { createFeeActivities } from '../activities/encounter/fees';
import { createInvoiceBooks } from '../activities/invoice';
import { writeAccessLog } from '../db/access-log';
import { recordDeviation, reviewDeviation } from '../db/deviations';
import {
  findEncounter,
  insertEncounter,
  projectEncounter,
  recordEligibility,
  recordIdentityCheck,
  writeJournalNote,
} from '../db/encounters';
import type { DeviationCategory, DeviationStatus } from '../db/entities';
import { invoiceStatusCounts } from '../db/finance';
import type { Orm } from '../db/orm';
import { DEMO } from '../db/seed';
import { registerContact } from '../db/registrations';
import { addSlotIfFree, findFreeSlot, rebook } from '../db/slots';
import { addDays, stockholmDateOf, stockholmMidnight } from '../domain/dates';
import { answerAll, assessEligibility } from '../domain/eligibility';
import { firstOfNextMonth } from '../domain/invoices';
import { addWorkingDays } from '../domain/working-days';
import { encounterWorkflowId } from '../workflows/encounter.messages';
import type { InvoiceInput } from '../workflows/invoice.messages';
import { demoUuid, DeviationPlan, Outcome, PastThread, THREADS, Visit, VISITS } from './demo-history-plan';
import { writePastThread } from './demo-history-threads';
import { importPastPayments, remindPastDue } from './demo-invoices';

/** The step in an encounter's deviation key (`<encounter id>:<step>`), as the workflow writes it. */
const STEP_OF: Partial<Record<DeviationCategory, string>> = {
  'no-show': 'no-show',
  'identity-failure': 'identity',
  'video-failure': 'video-failure',
  'missing-documentation': 'documentation',
};
/** The encounter's last step at each outcome, as the workflow leaves it. */
const LAST_STEP: Record<Outcome, string> = {
  closed: 'closed',
  'no-show': 'video',
  cancelled: 'pre-meeting',
  'referred-to-physical': 'eligibility',
  'identity-failed': 'identity',
};

/** Who the history names: the demo's quality lead reviews, its care administrator waives. */
const QUALITY_LEAD = DEMO.staff.helena;
const CARE_ADMIN = DEMO.staff.eva;
const nameOf = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface HistoryCounts {
  encounters: Record<Outcome, number>;
  charges: number;
  freeCards: number;
  invoices: Record<string, number>;
  creditNotes: number;
  payments: { matched: number; unmatched: number };
  deviations: Record<DeviationStatus, number>;
  threads: number;
  messages: number;
}

/** Steps of the past, run in time order; a step may add later ones (a review, a credit note). */
class Timeline {
  private steps: Array<{ at: Date; run: () => Promise<void> }> = [];
  add(at: Date, run: () => Promise<void>): void {
    this.steps.push({ at, run });
  }
  /** Runs every step up to `now`, earliest first; later ones (not yet happened) are dropped. */
  async runUntil(now: Date): Promise<void> {
    for (;;) {
      this.steps.sort((a, b) => a.at.getTime() - b.at.getTime());
      const next = this.steps.shift();
      if (!next || next.at > now) return;
      await next.run();
    }
  }
}

/**
 * Writes the history once (nothing when it is there already) and returns what it wrote.
 * @param now - the present the history leads up to (its last meeting was earlier today)
 */
export async function seedDemoHistory(
  orm: Orm,
  opts: { now: Date; finance: FinanceSettings },
): Promise<HistoryCounts | null> {
  const em = orm.em.fork();
  if (await findEncounter(em, demoUuid(`encounter:${VISITS[0].key}`))) return null;
  const h = new History(orm, opts);
  await h.write();
  return h.counts;
}

class History {
  readonly counts: HistoryCounts = {
    encounters: { closed: 0, 'no-show': 0, cancelled: 0, 'referred-to-physical': 0, 'identity-failed': 0 },
    charges: 0,
    freeCards: 0,
    invoices: {},
    creditNotes: 0,
    payments: { matched: 0, unmatched: 0 },
    deviations: { new: 0, under_review: 0, closed: 0 },
    threads: 0,
    messages: 0,
  };
  private readonly em: EntityManager;
  private readonly today: string;
  private readonly timeline = new Timeline();
  /** Invoices the bank file pays (in part: about half), and monthly billings waiting for the 1st. */
  private readonly toPay: Array<{ invoiceId: string; part: boolean }> = [];
  private readonly monthly = new Map<string, Omit<InvoiceInput, 'policy'>>();

  constructor(
    private readonly orm: Orm,
    private readonly opts: { now: Date; finance: FinanceSettings },
  ) {
    this.em = orm.em.fork();
    this.today = stockholmDateOf(opts.now);
  }

  /** `hour` o'clock Stockholm time `daysAgo` working days ago; today's (0) two hours ago. */
  private startOf(v: { daysAgo: number; hour: number }): Date {
    if (v.daysAgo > 0)
      return new Date(stockholmMidnight(addWorkingDays(this.today, -v.daysAgo)).getTime() + v.hour * HOUR);
    return new Date(Math.max(stockholmMidnight(this.today).getTime() + MINUTE, this.opts.now.getTime() - 2 * HOUR));
  }

  private books(at: Date) {
    return createInvoiceBooks({ orm: this.orm, finance: this.opts.finance, now: () => at });
  }

  async write(): Promise<void> {
    const first = this.startOf(VISITS[0]);
    for (const v of VISITS) this.timeline.add(this.startOf(v), () => this.visit(v));
    for (const t of THREADS) this.timeline.add(this.startOf(t), () => this.thread(t));
    // VGR bills a month on the 1st of the next (RULES.md §2), at 06:00.
    for (let day = firstOfNextMonth(stockholmDateOf(first).slice(0, 7)); day <= this.today;) {
      const month = addDays(day, -1).slice(0, 7);
      this.timeline.add(new Date(stockholmMidnight(day).getTime() + 6 * HOUR), () => this.issueMonth(month));
      day = firstOfNextMonth(day.slice(0, 7));
    }
    const importAt = new Date(stockholmMidnight(addWorkingDays(this.today, -6)).getTime() + 10 * HOUR);
    this.timeline.add(importAt, () => this.importPayments(importAt));
    await this.timeline.runUntil(this.opts.now);
    await remindPastDue(this.orm, this.opts.finance, this.opts.now);
    this.counts.invoices = await invoiceStatusCounts(this.em, null);
  }

  /** One encounter from its request to its end, with its records, fee and invoice. */
  private async visit(v: Visit): Promise<void> {
    const { em } = this;
    const at = this.startOf(v);
    const end = new Date(at.getTime() + 20 * MINUTE);
    const day = stockholmDateOf(at);
    const c = DEMO.clinicians[v.clinician];
    const p = DEMO.patients[v.patient];
    const careUnitId = DEMO.units[c.unit].id;
    const id = demoUuid(`encounter:${v.key}`);
    await em.transactional(async (tx) => {
      await insertEncounter(tx, {
        id,
        workflowId: encounterWorkflowId(id),
        patientId: p.id,
        careUnitId,
        createdAt: new Date(at.getTime() - 5 * DAY),
      });
      await writeAccessLog(tx, { actor: 'system:demo', role: 'system', action: 'create', target: `encounter:${id}` }, [
        { patientId: p.id, careUnitId },
      ]);
    });
    const assessedAt = new Date(at.getTime() - 4 * DAY);
    const referred = v.outcome === 'referred-to-physical';
    const answers = referred ? { ...answerAll(true), withoutPhysicalMeeting: false } : answerAll(true);
    await recordEligibility(em, {
      encounterId: id,
      clinicianId: c.id,
      answers: { ...answers },
      ...assessEligibility(answers),
      assessedAt,
    });
    const guardian = DEMO.guardianLinks.find((l) => l.child === v.patient);
    const failed = v.outcome === 'identity-failed';
    if (!referred)
      await recordIdentityCheck(em, {
        encounterId: id,
        verifiedPersonnummer: guardian ? DEMO.patients[guardian.guardian].pnr : p.pnr,
        method: 'test',
        loa: 'loa3',
        allowed: !failed,
        actingAs: failed ? null : guardian ? 'guardian' : 'self',
        refusal: failed ? 'child-protected' : null,
        checkedAt: new Date(assessedAt.getTime() + HOUR),
      });
    // A booked encounter had its slot: a new one, or the demo's seeded slot at that time today.
    const booked = v.outcome === 'closed' || v.outcome === 'no-show' || v.outcome === 'cancelled';
    let slotId: string | null = null;
    if (booked) {
      slotId =
        (await addSlotIfFree(em, c.id, at, new Date(at.getTime() + 30 * MINUTE))) ??
        (await findFreeSlot(em, c.id, { endsAfter: at, startsBefore: new Date(at.getTime() + 1) }));
      if (slotId && v.outcome !== 'cancelled') await rebook(em, id, slotId);
    }
    const closedAt =
      v.outcome === 'closed' ? end : v.outcome === 'no-show' ? new Date(at.getTime() + 15 * MINUTE) : assessedAt;
    await projectEncounter(em, {
      encounterId: id,
      workflowId: encounterWorkflowId(id),
      patientId: p.id,
      careUnitId,
      status: v.outcome,
      step: LAST_STEP[v.outcome],
      waitingFor: null,
      outcome: v.outcome,
      clinicianId: booked ? c.id : null,
      slotId: v.outcome === 'cancelled' ? null : slotId,
      scheduledStart: booked ? at.toISOString() : null,
      closedAt: closedAt.toISOString(),
      version: 1,
    });
    this.counts.encounters[v.outcome]++;

    const noteAt = new Date(end.getTime() + (v.noteAfterHours ? v.noteAfterHours * HOUR : 20 * MINUTE));
    if (v.outcome === 'closed')
      await writeJournalNote(em, {
        encounterId: id,
        authorId: c.id,
        authorName: nameOf(c),
        text: `Kontaktorsak: ${v.reason}. Bedömning och plan enligt samtalet.`,
        contactDate: day,
        signedAt: noteAt,
      });
    if (v.deviation) {
      const category = v.deviation.category;
      await this.deviation({
        ...v.deviation,
        encounterId: id,
        threadId: null,
        dedupeKey: `${id}:${STEP_OF[category]}`,
        createdAt: category === 'missing-documentation' ? new Date(end.getTime() + DAY) : end,
      });
    }
    if (v.outcome === 'closed' || v.outcome === 'no-show') {
      await this.charge(v, id, day, v.outcome === 'closed' ? noteAt : closedAt);
      // Registered for the PAS as the projection of a finished encounter does (RULES.md §10).
      await registerContact(em, {
        source: 'encounter',
        sourceId: id,
        careUnitId,
        patientId: p.id,
        clinicianId: c.id,
        kind: 'video',
        outcome: v.outcome === 'closed' ? 'attended' : 'no-show',
        contactDate: day,
      });
    }
  }

  /** The encounter's fee (the fee activity at that time) and, billed per encounter, its invoice a minute later. */
  private async charge(v: Visit, encounterId: string, day: string, at: Date): Promise<void> {
    const fees = createFeeActivities({ orm: this.orm, now: () => at });
    const kind = v.outcome === 'closed' ? 'visit' : 'no-show';
    const fee = await fees.recordFee({ encounterId, kind, visitDate: day, modality: 'video' });
    this.counts.charges++;
    if (fee.freeCardIssued) this.counts.freeCards++;
    if (fee.chargeOre === 0) return;
    const billing = (await fees.billingOf({ chargeId: fee.chargeId }))!;
    if (billing.mode === 'monthly') return void this.monthly.set(billing.billingKey, billing);
    const issueAt = new Date(at.getTime() + MINUTE);
    const issued = await this.books(issueAt).issueInvoice({
      billingKey: billing.billingKey,
      patientId: billing.patientId,
      careUnitId: billing.careUnitId,
      chargeId: billing.chargeId,
    });
    if (!issued) return;
    if (v.paid) this.toPay.push({ invoiceId: issued.invoiceId, part: v.paid === 'part' });
    const waived = v.waived;
    if (!waived) return;
    const waiveAt = new Date(issueAt.getTime() + waived.afterDays * DAY);
    this.timeline.add(waiveAt, async () => {
      await this.books(waiveAt).creditCharge({
        invoiceId: issued.invoiceId,
        chargeId: fee.chargeId,
        reason: waived.reason,
        actor: { id: CARE_ADMIN.hsaId, name: nameOf(CARE_ADMIN) },
      });
      this.counts.creditNotes++;
    });
  }

  /** The 1st of the month: the monthly invoice of each patient's charges of `month`; paid by the import if issued before it. */
  private async issueMonth(month: string): Promise<void> {
    const at = new Date(stockholmMidnight(firstOfNextMonth(month)).getTime() + 6 * HOUR);
    for (const [key, b] of this.monthly) {
      if (b.month !== month) continue;
      this.monthly.delete(key);
      const issued = await this.books(at).issueInvoice({
        billingKey: b.billingKey,
        patientId: b.patientId,
        careUnitId: b.careUnitId,
        createdBefore: stockholmMidnight(firstOfNextMonth(month)).toISOString(),
      });
      if (issued) this.toPay.push({ invoiceId: issued.invoiceId, part: false });
    }
  }

  /** A deviation; under review a day after it arose and closed with its action two days after, if planned so. */
  private async deviation(
    d: DeviationPlan & { encounterId: string | null; threadId: string | null; dedupeKey: string; createdAt: Date },
  ): Promise<void> {
    const { em } = this;
    const id = await recordDeviation(em, {
      encounterId: d.encounterId,
      threadId: d.threadId,
      category: d.category,
      severity: d.severity,
      description: d.description,
      dedupeKey: d.dedupeKey,
      createdAt: d.createdAt,
    });
    this.counts.deviations[d.status]++;
    const by = { actor: QUALITY_LEAD.hsaId, actorName: nameOf(QUALITY_LEAD) };
    if (d.status === 'new') return;
    const reviewAt = new Date(d.createdAt.getTime() + DAY);
    this.timeline.add(reviewAt, () =>
      reviewDeviation(em, id, by, { toStatus: 'under_review', note: 'Tas upp med enheten.' }, reviewAt),
    );
    if (d.status !== 'closed') return;
    const closeAt = new Date(d.createdAt.getTime() + 2 * DAY);
    this.timeline.add(closeAt, () => reviewDeviation(em, id, by, { toStatus: 'closed', action: d.action }, closeAt));
  }

  /** A past message thread (scripts/demo-history-threads.ts); an answer too late is a deviation. */
  private async thread(t: PastThread): Promise<void> {
    const { id, late, deadline } = await writePastThread(this.em, t, this.startOf(t));
    this.counts.threads++;
    this.counts.messages += 2;
    if (late && t.lateDeviation)
      await this.deviation({
        category: 'late-answer',
        severity: 'medium',
        description: `Meddelande inte besvarat inom 2 arbetsdagar (senast ${deadline.dueDate})`,
        status: t.lateDeviation,
        encounterId: null,
        threadId: id,
        dedupeKey: `thread:${id}:late:${deadline.deadlineAt.toISOString()}`,
        createdAt: deadline.deadlineAt,
      });
  }

  /** That day's file from Bankgirot, imported by the economist (scripts/demo-invoices.ts). */
  private async importPayments(at: Date): Promise<void> {
    const summary = await importPastPayments(this.orm, this.opts.finance, at, this.toPay);
    this.counts.payments = { matched: summary.matchedCount, unmatched: summary.unmatchedCount };
    this.toPay.length = 0;
  }
}
