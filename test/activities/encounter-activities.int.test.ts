/** Activities on a real PostgreSQL: idempotent when run twice, and the database forbids double booking. */
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { createPdfRenderer } from '../../documents/pdf';
import { createFakeRooms } from '../../media/rooms';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { captureMailer } from '../../testkit/worker';
import { DEFAULT_POLICY } from '../../workflows/encounter.messages';

let ctx: TestContext;
let f: FixtureWith<'guardian' | 'other-clinician'>;
let acts: ReturnType<typeof createActivities>;
const mailer = captureMailer();

beforeAll(async () => {
  ctx = await connect();
  acts = createActivities({
    orm: ctx.orm,
    mailer,
    rooms: createFakeRooms(),
    pdf: createPdfRenderer(ctx.config.chromiumPath),
    finance: ctx.config.finance,
  });
});
beforeEach(async () => {
  f = await makeFixture(ctx.orm, { with: ['guardian', 'other-clinician'] });
});
afterAll(() => ctx?.close());

const sql = <T>(q: string, p: unknown[] = []) => ctx.orm.em.fork().execute<T[]>(q, p);

async function encounterFor(patientId: string, clinicianId: string | null = null): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into encounter (id, workflow_id, patient_id, care_unit_id, clinician_id, status, step) values (?, ?, ?, ?, ?, 'fee', 'fee')`,
    [id, `encounter-${id}`, patientId, f.unitId, clinicianId],
  );
  return id;
}

describe('database constraints', () => {
  it('refuses overlapping slots for one clinician (exclusion constraint)', async () => {
    const slot = await makeSlot(ctx.orm, f.clinicianId, 3600, 30);
    await expect(
      sql('insert into slot (id, clinician_id, starts_at, ends_at) values (?, ?, ?, ?)', [
        randomUUID(),
        f.clinicianId,
        new Date(slot.startsAt.getTime() + 60_000),
        new Date(slot.startsAt.getTime() + 120_000),
      ]),
    ).rejects.toThrow(/slot_no_overlap/);
    await expect(makeSlot(ctx.orm, f.otherClinicianId, 3600, 30)).resolves.toBeDefined();
  });

  it('refuses a second live booking of a slot even when written directly in SQL', async () => {
    const slot = await makeSlot(ctx.orm, f.clinicianId, 7200);
    const [a, b] = [await encounterFor(f.adultId), await encounterFor(f.guardianId)];
    await sql('insert into booking (id, slot_id, encounter_id) values (?, ?, ?)', [randomUUID(), slot.id, a]);
    await expect(
      sql('insert into booking (id, slot_id, encounter_id) values (?, ?, ?)', [randomUUID(), slot.id, b]),
    ).rejects.toThrow(/booking_one_live_per_slot/);
  });
});

describe('idempotent activities (run twice, one effect)', () => {
  it('reserveSlot: the same encounter twice holds one booking; a concurrent rival gets SlotTaken', async () => {
    const slot = await makeSlot(ctx.orm, f.clinicianId, 9000);
    const [a, b] = [await encounterFor(f.adultId), await encounterFor(f.guardianId)];
    const results = await Promise.allSettled([
      acts.reserveSlot({ encounterId: a, slotId: slot.id }),
      acts.reserveSlot({ encounterId: b, slotId: slot.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ type: 'SlotTaken' });
    const winner = results[0].status === 'fulfilled' ? a : b;
    await acts.reserveSlot({ encounterId: winner, slotId: slot.id });
    expect(await sql('select 1 from booking where slot_id = ? and released_at is null', [slot.id])).toHaveLength(1);
  });

  it('recordFee twice charges once; the period counts it once', async () => {
    const enc = await encounterFor(f.adultId, f.clinicianId);
    const first = await acts.recordFee({ encounterId: enc, kind: 'visit', visitDate: '2026-03-02', modality: 'video' });
    const second = await acts.recordFee({
      encounterId: enc,
      kind: 'visit',
      visitDate: '2026-03-02',
      modality: 'video',
    });
    expect(second).toEqual(first);
    expect(await sql('select 1 from charge where encounter_id = ?', [enc])).toHaveLength(1);
    const [p] = await sql<{ paid_ore: number }>('select paid_ore from high_cost_period where patient_id = ?', [
      f.adultId,
    ]);
    expect(p.paid_ore).toBe(27_500);
  });

  it('RULES §1 two encounters of one patient finishing at once never both miss the ceiling', async () => {
    await sql(
      `insert into high_cost_period (id, patient_id, start_date, paid_ore) values (?, ?, '2026-01-05', 137500)`,
      [randomUUID(), f.adultId],
    );
    const encs = await Promise.all([encounterFor(f.adultId, f.clinicianId), encounterFor(f.adultId, f.clinicianId)]);
    const results = await Promise.all(
      encs.map((e) => acts.recordFee({ encounterId: e, kind: 'visit', visitDate: '2026-06-01', modality: 'video' })),
    );
    expect(results.map((r) => r.chargeOre).sort((x, y) => x - y)).toEqual([0, 7_500]);
    expect(results.filter((r) => r.freeCardIssued)).toHaveLength(1);
    const [p] = await sql<{ paid_ore: number; free_card_until: string }>(
      `select paid_ore, to_char(free_card_until, 'YYYY-MM-DD') as free_card_until from high_cost_period where patient_id = ?`,
      [f.adultId],
    );
    expect(p).toEqual({ paid_ore: 145_000, free_card_until: '2027-01-04' });
  });

  it('writeJournalNote twice keeps one note; recordDeviation twice keeps one deviation', async () => {
    const enc = await encounterFor(f.adultId, f.clinicianId);
    const a = await acts.writeJournalNote({
      encounterId: enc,
      authorId: f.clinicianId,
      text: 'Första',
      contactDate: '2026-03-02',
    });
    const b = await acts.writeJournalNote({
      encounterId: enc,
      authorId: f.clinicianId,
      text: 'Andra',
      contactDate: '2026-03-02',
    });
    expect(b.noteId).toBe(a.noteId);
    const [note] = await sql<{ text: string }>('select text from journal_note where encounter_id = ?', [enc]);
    expect(note.text).toBe('Första');
    const dev = {
      encounterId: enc,
      category: 'no-show' as const,
      severity: 'low' as const,
      description: 'x',
      dedupeKey: `${enc}:no-show`,
    };
    expect((await acts.recordDeviation(dev)).deviationId).toBe((await acts.recordDeviation(dev)).deviationId);
  });

  it('sendInvitation twice sends one mail', async () => {
    const enc = await encounterFor(f.adultId);
    const slot = await makeSlot(ctx.orm, f.clinicianId, 20_000);
    const before = mailer.sent.length;
    const a = await acts.sendInvitation({ encounterId: enc, slotId: slot.id, policy: DEFAULT_POLICY });
    const b = await acts.sendInvitation({ encounterId: enc, slotId: slot.id, policy: DEFAULT_POLICY });
    expect(b.outboxId).toBe(a.outboxId);
    expect(mailer.sent.length - before).toBe(1);
    const mail = mailer.sent[mailer.sent.length - 1];
    expect(mail.html).toContain('Kallelse till digitalt vårdmöte');
    expect(mail.text).toContain('400,00');
  });

  it('openVideoRoom twice returns the same room; closeVideoRoom is safe to repeat', async () => {
    const enc = await encounterFor(f.adultId);
    const a = await acts.openVideoRoom({ encounterId: enc });
    const b = await acts.openVideoRoom({ encounterId: enc });
    expect(b).toEqual(a);
    await acts.closeVideoRoom({ encounterId: enc });
    await acts.closeVideoRoom({ encounterId: enc });
    const [row] = await sql<{ destroyed_at: Date | null }>(
      'select destroyed_at from video_room where encounter_id = ?',
      [enc],
    );
    expect(row.destroyed_at).not.toBeNull();
  });
});
