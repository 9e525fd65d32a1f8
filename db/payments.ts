/** Incoming payments and BgMax imports: stored once per identity, matched by OCR or by a person. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { BgmaxImport, Invoice, Payment } from './entities';

export async function findImportBySha(em: EntityManager, sha: string): Promise<BgmaxImport | null> {
  return em.findOne(BgmaxImport, { fileSha256: sha });
}

export async function findImport(em: EntityManager, id: string): Promise<BgmaxImport | null> {
  return em.findOne(BgmaxImport, { id });
}

export async function listImports(em: EntityManager): Promise<BgmaxImport[]> {
  return em.find(BgmaxImport, {}, { orderBy: { importedAt: 'desc' }, limit: 200 });
}

/** Which of these payment identities are already stored (from this or an earlier file). */
export async function knownPaymentKeys(tx: EntityManager, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  // In chunks: a file of 100,000 payments would otherwise be one statement with as many parameters.
  for (let i = 0; i < keys.length; i += 5000) {
    const rows = await tx.find(Payment, { paymentKey: { $in: keys.slice(i, i + 5000) } }, { fields: ['paymentKey'] });
    for (const r of rows) found.add(r.paymentKey);
  }
  return found;
}

/** Invoices (not credit notes) with these OCR references, locked until the import commits. */
export async function invoicesByOcr(tx: EntityManager, ocrs: string[]) {
  const out: Array<Omit<Invoice, 'documentHtml'>> = [];
  for (let i = 0; i < ocrs.length; i += 5000) {
    out.push(
      ...(await tx.find(
        Invoice,
        { ocr: { $in: ocrs.slice(i, i + 5000) }, kind: 'invoice' },
        { lockMode: LockMode.PESSIMISTIC_WRITE, exclude: ['documentHtml'], orderBy: { id: 'asc' } },
      )),
    );
  }
  return out;
}

export async function insertImport(
  tx: EntityManager,
  row: Omit<BgmaxImport, 'importedAt'> & { importedAt?: Date },
): Promise<void> {
  await tx.insert(BgmaxImport, row);
}

export async function insertPayments(tx: EntityManager, rows: Array<Omit<Payment, 'createdAt'>>): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) await tx.insertMany(Payment, rows.slice(i, i + 2000));
}

/** An import's payments: those matched to invoices of these units (null: every unit) and the unmatched ones. */
export async function paymentsOfImport(
  em: EntityManager,
  importId: string,
  units: string[] | null,
): Promise<Payment[]> {
  const all = await em.find(Payment, { importId }, { orderBy: { paymentDate: 'asc', paymentKey: 'asc' }, limit: 2000 });
  if (!units) return all;
  const invoiceIds = [...new Set(all.map((p) => p.invoiceId).filter((id): id is string => Boolean(id)))];
  const own = new Set(
    (await em.find(Invoice, { id: { $in: invoiceIds }, careUnitId: { $in: units } }, { fields: ['id'] })).map(
      (i) => i.id,
    ),
  );
  return all.filter((p) => !p.invoiceId || own.has(p.invoiceId));
}

export async function unmatchedPayments(em: EntityManager): Promise<Payment[]> {
  return em.find(Payment, { invoiceId: null }, { orderBy: { paymentDate: 'desc', createdAt: 'desc' }, limit: 500 });
}

export async function countUnmatchedPayments(em: EntityManager): Promise<number> {
  return em.count(Payment, { invoiceId: null });
}

export async function lockPayment(tx: EntityManager, id: string): Promise<Payment | null> {
  return tx.findOne(Payment, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}
