/**
 * The journal step (issue 25) on a real Temporal dev server: the signed note goes to the test journal
 * over FHIR R4 (HTTP, a client-credentials token) and the encounter closes once the receipt is stored;
 * with the journal down it retries, then records the deviation and puts the note on the clinician's
 * worklist; the journal back, the note arrives exactly once; a manual entry closes it and names who.
 */
import type { AddressInfo } from 'node:net';
import type { Encounter, Provenance } from '@medplum/fhirtypes';
import * as t from '../../workflows/message-thread.messages';
import { threadWorkflowId } from '../../workflows/message-thread.messages';
import { stockholmDateOf } from '../../domain/dates';
import { waitFor } from '../../testkit/wait';
import { testThread } from '../support/messages';
import * as m from '../../workflows/encounter.messages';
import { createFhirJournal, JournalRefusedError, type JournalPort } from '../../activities/journal';
import { createTestEhr, type TestEhr } from '../../scripts/test-ehr/server';
import { SYSTEMS } from '../../domain/fhir';
import { makeFixture, type FixtureWith } from '../../testkit/fixtures';
import {
  book,
  clinicianOf,
  runSession,
  startEncounter,
  throughIdentity,
  waitForState,
  waitForStatus,
} from '../../testkit/drive';
import { login } from '../../testkit/login';
import { useApiStack } from '../support/app';
import { maybeRecordHistory } from '../support/histories';

jest.setTimeout(120_000);

const CLIENT = { id: 'vardmote-test', secret: 'a-test-secret-for-this-file' };
let ehr: TestEhr;
let port = 0;
/** The next transaction is stored by the journal but its answer is lost (the adapter sees a failure). */
let loseNextAnswer = false;
/** The next transaction is refused as a 400 would be (a request the journal cannot take). */
let refuseNext = false;
beforeAll(async () => {
  ehr = createTestEhr(CLIENT);
  await new Promise<void>((resolve) => ehr.server.listen(0, '127.0.0.1', resolve));
  port = (ehr.server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => ehr.server.close(resolve)));

const http = (): JournalPort => {
  const fhir = createFhirJournal({
    baseUrl: `http://127.0.0.1:${port}/fhir/R4`,
    tokenUrl: `http://127.0.0.1:${port}/oauth2/token`,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    timeoutMs: 2000,
  });
  return {
    async transaction(bundle) {
      if (refuseNext) {
        refuseNext = false;
        throw new JournalRefusedError('test: the journal refused the note: 400 OperationOutcome');
      }
      const answer = await fhir.transaction(bundle);
      if (loseNextAnswer) {
        loseNextAnswer = false;
        throw new Error('test: the answer was lost after the journal stored the note');
      }
      return answer;
    },
  };
};
const api = useApiStack({ journal: http });

const stopJournal = () =>
  new Promise<void>((resolve) => {
    ehr.server.close(() => resolve());
    ehr.server.closeAllConnections();
  });
const startJournal = () => new Promise<void>((resolve) => ehr.server.listen(port, '127.0.0.1', resolve));

let f: FixtureWith<'staff'>;
beforeEach(async () => {
  f = await makeFixture(api.ctx.orm, { with: ['staff'] });
});

/** An encounter through its meeting, waiting for its journal note. */
async function atDocumentation(policy: Partial<m.EncounterPolicy> = {}) {
  const { id, handle } = await startEncounter(api.ctx, f, f.adultId, policy);
  await throughIdentity(handle, f);
  await book(api.ctx, handle, f, { inSeconds: 2 });
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  return { id, handle };
}

const sign = (handle: Awaited<ReturnType<typeof atDocumentation>>['handle'], text = 'Bedömning och plan.') =>
  handle.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: clinicianOf(f), text }] });

const documentsOf = async (noteId: string) =>
  (await ehr.documents()).filter((d) => d.identifier?.some((i) => i.system === SYSTEMS.note && i.value === noteId));
const provenancesOf = async (documentId: string) =>
  (await ehr.all<Provenance>('Provenance')).filter((p) =>
    p.target.some((t) => t.reference === `DocumentReference/${documentId}`),
  );
const noteRow = async (encounterId: string) =>
  (
    await api.ctx.orm.em
      .fork()
      .execute<Array<{ id: string; ehr_receipt: Record<string, string> | null; manual_entry_by: string | null }>>(
        'select id, ehr_receipt, manual_entry_by from journal_note where encounter_id = ?',
        [encounterId],
      )
  )[0];
const deviations = (encounterId: string) =>
  api.ctx.orm.em
    .fork()
    .execute<Array<{ category: string }>>('select category from deviation where encounter_id = ?', [encounterId]);

it('the signed note reaches the journal: its receipt is stored, the timeline says so, and only then the encounter closes', async () => {
  const { id, handle } = await atDocumentation();
  const signed = await sign(handle, 'Eksem, bättre. Fortsatt behandling.');
  expect(signed.journalNoteId).not.toBeNull();
  expect(await handle.result()).toMatchObject({ status: 'closed' });
  const state = await handle.query(m.stateQuery);
  expect(state.journal).toMatchObject({ status: 'delivered' });
  const row = await noteRow(id);
  expect(row.ehr_receipt).toEqual(state.journal!.receipt);
  const [doc] = await documentsOf(row.id);
  expect(doc.id).toBe(row.ehr_receipt!.documentReference);
  expect(Buffer.from(doc.content[0].attachment.data!, 'base64').toString()).toBe('Eksem, bättre. Fortsatt behandling.');
  expect(await provenancesOf(doc.id!)).toHaveLength(1);
  const events = state.timeline.map((t) => t.event);
  expect(events.indexOf('journal')).toBeGreaterThan(events.indexOf('journal-note-written'));
  expect(events.indexOf('journal-delivered')).toBeLessThan(events.indexOf('fee-decided'));
  await maybeRecordHistory(handle, 'journal');
});

it('the journal down: retried, then the not-in-journal deviation and the worklist item; the journal back, the note arrives exactly once and the encounter closes', async () => {
  const { id, handle } = await atDocumentation({ journalReceiptSeconds: 3 });
  await stopJournal();
  try {
    await sign(handle);
    const waiting = await waitForState(handle, (s) => s.journal?.status === 'manual-needed', 30_000);
    expect(waiting).toMatchObject({
      status: 'journal',
      waitingFor: 'enter-in-journal',
      journal: { reason: 'no-receipt' },
    });
    expect(await deviations(id)).toEqual([{ category: 'not-in-journal' }]);
    const clinician = await login(api.app, { hsaId: f.staff.clinician });
    const worklist = (await clinician.get('/admin/mina-moten').expect(200)).text;
    expect(worklist).toContain(`/admin/mina-moten/${id}/journal-entry`);
    expect(worklist).toContain('Journalsystemet har inte tagit emot anteckningen');
  } finally {
    await startJournal();
  }
  // Stored, answer lost once: the retry's conditional creates find the note instead of adding one.
  loseNextAnswer = true;
  expect(await handle.result()).toMatchObject({ status: 'closed' });
  const row = await noteRow(id);
  const docs = await documentsOf(row.id);
  expect(docs).toHaveLength(1);
  expect(await provenancesOf(docs[0].id!)).toHaveLength(1);
  expect((await handle.query(m.stateQuery)).journal).toMatchObject({ status: 'delivered' });
  expect(loseNextAnswer).toBe(false);
});

it('entered by hand: the clinician confirms on the worklist, the encounter closes naming who, and the journal never gets it', async () => {
  const { id, handle } = await atDocumentation({ journalReceiptSeconds: 2 });
  await stopJournal();
  try {
    await sign(handle, 'Anteckning som förs in för hand.');
    await waitForState(handle, (s) => s.journal?.status === 'manual-needed', 30_000);
    const clinician = await login(api.app, { hsaId: f.staff.clinician });
    // A patient may not; the booked clinician does.
    const patient = await login(api.app, { personnummer: f.adultPnr });
    await patient.post(`/api/encounters/${id}/journal-entry`, {}).expect(403);
    await clinician.post(`/admin/mina-moten/${id}/journal-entry`, {}).expect(303);
    expect(await handle.result()).toMatchObject({ status: 'closed' });
  } finally {
    await startJournal();
  }
  const state = await handle.query(m.stateQuery);
  expect(state.journal).toMatchObject({
    status: 'entered-by-hand',
    confirmedBy: { id: f.clinicianId, role: 'clinician' },
  });
  expect(state.timeline.find((t) => t.event === 'journal-entered-by-hand')?.actor.id).toBe(f.clinicianId);
  const row = await noteRow(id);
  expect(row.manual_entry_by).toBe(f.clinicianId);
  await maybeRecordHistory(handle, 'journal-by-hand');
  // The send that was retrying stopped: nothing reaches the journal afterwards.
  await new Promise((r) => setTimeout(r, 3000));
  expect(await documentsOf(row.id)).toEqual([]);
});

it('a journal that refuses the note (our request is wrong) is a deviation at once, not retried, and waits for the manual entry', async () => {
  const { id, handle } = await atDocumentation({ journalReceiptSeconds: 600 });
  refuseNext = true;
  await sign(handle);
  const waiting = await waitForState(handle, (s) => s.journal?.status === 'manual-needed', 20_000);
  expect(waiting.journal).toMatchObject({ reason: 'refused' });
  expect(refuseNext).toBe(false);
  expect(await deviations(id)).toEqual([{ category: 'not-in-journal' }]);
  const admin = await login(api.app, { hsaId: f.staff.careAdmin });
  await admin.post(`/api/encounters/${id}/journal-entry`, {}).expect(200);
  expect(await handle.result()).toMatchObject({ status: 'closed' });
  expect((await handle.query(m.stateQuery)).journal).toMatchObject({ confirmedBy: { role: 'admin' } });
});

describe("a chat day's summary goes to the journal too", () => {
  const staff = () => ({
    kind: 'staff' as const,
    id: f.staff.clinician,
    name: 'Maria Test',
    signature: 'Maria Test, Läkare',
  });
  async function answeredThread() {
    const { threadId } = await testThread(api.ctx, f, { journalReceiptSeconds: 2 });
    const handle = api.ctx.client.workflow.getHandle(threadWorkflowId(threadId));
    await handle.executeUpdate(t.postMessageUpdate, { args: [{ author: staff(), text: 'Svar: ta en tablett till.' }] });
    return { threadId, handle, today: stockholmDateOf(new Date()) };
  }
  const summaryRow = async (threadId: string) =>
    (
      await api.ctx.orm.em.fork().execute<
        Array<{
          id: string;
          journal_status: string | null;
          ehr_receipt: Record<string, string> | null;
          manual_entry_by: string | null;
        }>
      >('select id, journal_status, ehr_receipt, manual_entry_by from thread_summary where thread_id = ?', [threadId])
    )[0];

  it('signed: delivered as a written contact dated to the day, the receipt stored', async () => {
    const { threadId, handle, today } = await answeredThread();
    await handle.executeUpdate(t.writeSummaryUpdate, {
      args: [{ author: staff(), contactDate: today, text: 'Frågade om dosering; rådgivning given.' }],
    });
    const view = await waitFor(async () => {
      const v = await handle.query(t.threadQuery);
      return v.careDays[0]?.journal === 'delivered' && v;
    }, 'the summary in the journal');
    expect(view.careDays).toEqual([{ date: today, documented: true, journal: 'delivered' }]);
    const row = await summaryRow(threadId);
    expect(row).toMatchObject({ journal_status: 'delivered' });
    const [doc] = await documentsOf(row.id);
    expect(doc.id).toBe(row.ehr_receipt!.documentReference);
    const encounter = (await ehr.all<Encounter>('Encounter')).find((e) => e.id === row.ehr_receipt!.encounter);
    expect(encounter).toMatchObject({ type: [{ text: 'Skriftlig kontakt' }], period: { start: today } });
    await maybeRecordHistory(handle, 'summary-journal', 'message-thread');
  });

  it('the journal down: the deviation, the manual entry on the thread page, and the entry confirmed names who', async () => {
    const { threadId, handle, today } = await answeredThread();
    await stopJournal();
    try {
      await handle.executeUpdate(t.writeSummaryUpdate, {
        args: [{ author: staff(), contactDate: today, text: 'Kort råd.' }],
      });
      await waitFor(async () => (await handle.query(t.threadQuery)).careDays[0]?.journal === 'manual-needed', 'manual');
      const deviation = await api.ctx.orm.em
        .fork()
        .execute<Array<{ category: string }>>('select category from deviation where thread_id = ?', [threadId]);
      expect(deviation).toEqual([{ category: 'not-in-journal' }]);
      const clinician = await login(api.app, { hsaId: f.staff.clinician });
      const page = (await clinician.get(`/admin/meddelanden/${threadId}`).expect(200)).text;
      expect(page).toContain(`/admin/meddelanden/${threadId}/journalford`);
      await clinician
        .post(`/admin/meddelanden/${threadId}/journalford`, { contactDate: today })
        .type('form')
        .expect(303);
    } finally {
      await startJournal();
    }
    const row = await summaryRow(threadId);
    expect(row).toMatchObject({ journal_status: 'entered-by-hand', manual_entry_by: f.staff.clinician });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await documentsOf(row.id)).toEqual([]);
  });
});
