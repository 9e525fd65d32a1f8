/** The journal export's rows (issue 25): each note's receipt from the EHR, or its manual entry. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { JournalNote, ThreadSummary } from './entities';

export async function findJournalNote(em: EntityManager, encounterId: string): Promise<JournalNote | null> {
  return em.findOne(JournalNote, { encounterId });
}

/** Stores what the EHR answered; a second receipt for the same note keeps the first. */
export async function recordJournalReceipt(em: EntityManager, noteId: string, receipt: Record<string, string>) {
  await em.nativeUpdate(
    JournalNote,
    { id: noteId, ehrReceipt: null },
    { ehrReceipt: receipt, journalDeliveredAt: new Date() },
  );
}

/** Records who confirmed entering the note in the EHR by hand (the first confirmation stands). */
export async function recordManualEntry(
  em: EntityManager,
  encounterId: string,
  by: { id: string; name: string | null },
) {
  await em.nativeUpdate(
    JournalNote,
    { encounterId, manualEntryAt: null },
    { manualEntryBy: by.id, manualEntryByName: by.name, manualEntryAt: new Date() },
  );
}

export async function findThreadSummary(em: EntityManager, threadId: string, contactDate: string) {
  return em.findOne(ThreadSummary, { threadId, contactDate });
}

/** Where a chat day's summary stands in the journal; a receipt or a manual entry is kept once given. */
export async function setSummaryJournal(
  em: EntityManager,
  summaryId: string,
  change:
    | { status: 'delivered'; receipt: Record<string, string> }
    | { status: 'manual-needed' }
    | { status: 'entered-by-hand'; by: string },
) {
  const where = { id: summaryId, ehrReceipt: null, manualEntryAt: null };
  if (change.status === 'delivered')
    await em.nativeUpdate(ThreadSummary, where, { journalStatus: 'delivered', ehrReceipt: change.receipt });
  else if (change.status === 'entered-by-hand')
    await em.nativeUpdate(ThreadSummary, where, {
      journalStatus: 'entered-by-hand',
      manualEntryBy: change.by,
      manualEntryAt: new Date(),
    });
  else await em.nativeUpdate(ThreadSummary, where, { journalStatus: 'manual-needed' });
}
