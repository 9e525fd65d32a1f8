/**
 * What finance staff and patients read: a month's totals per unit, invoices by status, free cards,
 * and one patient's charges. Aggregates over several tables read clearest as SQL.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Charge, Encounter, HighCostPeriod, Invoice, InvoiceLine, Patient } from './entities';

const inUnits = (column: string, units: string[] | null) =>
  units ? `and ${column} in (${units.map(() => '?').join(', ') || 'null'})` : '';

export interface MonthUnitTotals {
  careUnitId: string;
  careUnitName: string;
  invoices: number;
  invoicedOre: number;
  creditedOre: number;
  paidOre: number;
  outstandingOre: number;
}

/** Per unit, the invoices issued in `month` ('YYYY-MM'): invoiced, credited, paid so far and still open. */
export async function monthTotals(
  em: EntityManager,
  month: string,
  units: string[] | null,
): Promise<MonthUnitTotals[]> {
  const rows = await em.execute<Array<Record<string, string>>>(
    `select i.care_unit_id as "careUnitId", u.name as "careUnitName",
       count(*) filter (where i.kind = 'invoice') as invoices,
       coalesce(sum(i.amount_ore) filter (where i.kind = 'invoice'), 0) as "invoicedOre",
       coalesce(sum(i.credited_ore) filter (where i.kind = 'invoice'), 0) as "creditedOre",
       coalesce(sum(i.paid_ore) filter (where i.kind = 'invoice'), 0) as "paidOre",
       coalesce(sum(greatest(i.amount_ore - i.credited_ore - i.paid_ore, 0)) filter (where i.kind = 'invoice'), 0) as "outstandingOre"
     from invoice i join care_unit u on u.id = i.care_unit_id
     where to_char(i.issue_date, 'YYYY-MM') = ? ${inUnits('i.care_unit_id', units)}
     group by 1, 2 order by 2`,
    [month, ...(units ?? [])],
  );
  return rows.map((r) => ({
    careUnitId: r.careUnitId,
    careUnitName: r.careUnitName,
    invoices: Number(r.invoices),
    invoicedOre: Number(r.invoicedOre),
    creditedOre: Number(r.creditedOre),
    paidOre: Number(r.paidOre),
    outstandingOre: Number(r.outstandingOre),
  }));
}

/** How many invoices (not credit notes) are in each status. */
export async function invoiceStatusCounts(em: EntityManager, units: string[] | null): Promise<Record<string, number>> {
  const rows = await em.execute<Array<{ status: string; n: string }>>(
    `select status, count(*) as n from invoice where kind = 'invoice' ${inUnits('care_unit_id', units)} group by 1`,
    units ?? [],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Free cards valid on `today`, newest first; for unit-bound staff only patients seen in their units. */
export async function activeFreeCards(em: EntityManager, today: string, units: string[] | null) {
  let periods = await em.find(
    HighCostPeriod,
    { freeCardUntil: { $gte: today } },
    { orderBy: { updatedAt: 'desc' }, limit: 500 },
  );
  if (units) {
    const seen = await em.find(
      Encounter,
      { patientId: { $in: periods.map((p) => p.patientId) }, careUnitId: { $in: units } },
      { fields: ['patientId'] },
    );
    const ok = new Set(seen.map((e) => e.patientId));
    periods = periods.filter((p) => ok.has(p.patientId));
  }
  const people = await em.find(Patient, { id: { $in: periods.map((p) => p.patientId) } });
  const byId = new Map(people.map((p) => [p.id, p]));
  return periods.map((p) => ({ ...p, patient: byId.get(p.patientId)! }));
}

/** One patient's charges (newest first) with the invoice each is on, and their high-cost periods. */
export async function patientCharges(em: EntityManager, patientId: string) {
  const charges = await em.find(
    Charge,
    { patientId },
    { orderBy: { visitDate: 'desc', createdAt: 'desc' }, limit: 200 },
  );
  const lines = await em.find(InvoiceLine, { chargeId: { $in: charges.map((c) => c.id) } });
  const invoices = await em.find(
    Invoice,
    { id: { $in: [...new Set(lines.map((l) => l.invoiceId))] } },
    { exclude: ['documentHtml'] },
  );
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const periods = await em.find(HighCostPeriod, { patientId }, { orderBy: { startDate: 'desc' } });
  return {
    charges: charges.map((c) => {
      const billed = lines.find((l) => l.chargeId === c.id && !l.credit);
      const credited = lines.find((l) => l.chargeId === c.id && l.credit);
      return {
        ...c,
        invoice: billed ? byId.get(billed.invoiceId)! : null,
        creditNote: credited ? byId.get(credited.invoiceId)! : null,
      };
    }),
    periods,
  };
}
