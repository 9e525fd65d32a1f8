/**
 * Visit registration (issue 25, RULES.md §10): a month with two video visits, a phone fallback, a
 * no-show and a chat thread documented on two days gives exactly the expected rows and codes — with
 * the codes a sysadmin set for the unit — in finance's month view and its CSV for the PAS; the FHIR
 * Encounter sent to the journal carries the same codes.
 */
import * as m from '../../workflows/encounter.messages';
import { createMessageActivities } from '../../activities/messages';
import { SYSTEMS } from '../../domain/fhir';
import { REGISTRATION_CSV_COLUMNS } from '../../domain/registration';
import { stockholmDateOf } from '../../domain/dates';
import { makeFixture, type FixtureWith } from '../../testkit/fixtures';
import {
  book,
  clinicianOf,
  runSession,
  startEncounter,
  throughIdentity,
  waitForStatus,
  writeNote,
} from '../../testkit/drive';
import { login, type LoggedIn } from '../../testkit/login';
import { captureMailer } from '../../testkit/worker';
import { useApiStack } from '../support/app';
import { testThread } from '../support/messages';

jest.setTimeout(180_000);
const api = useApiStack();
let f: FixtureWith<'staff'>;
let sysadmin: LoggedIn;
let finance: LoggedIn;
beforeAll(async () => {
  f = await makeFixture(api.ctx.orm, { with: ['staff'] });
  sysadmin = await login(api.app, { hsaId: f.staff.sysadmin });
  finance = await login(api.app, { hsaId: f.staff.finance });
});

/** The unit's codes as VGR's routine has them for chat (RULES.md §10), and a video and phone row. */
const CODES = {
  'video.contactType': 'VI',
  'video.contactTypeName': 'Videomöte',
  'video.kva': 'ZV051',
  'video.fee': 'on',
  'phone.contactType': 'TE',
  'phone.contactTypeName': 'Telefonkontakt',
  'phone.kva': 'ZV051',
  'chat.contactType': 'BR',
  'chat.contactTypeName': 'Skriftlig distanskontakt',
  'chat.kva': 'ZV051, XS003',
};

/** One clinician's slots, minutes apart; each room opens at once and its patient is admitted before start. */
let slotsBooked = 0;
async function closedVisit(opts: { phone?: boolean } = {}) {
  const { id, handle } = await startEncounter(api.ctx, f, f.adultId, { roomOpensBeforeSeconds: 3600 });
  await throughIdentity(handle, f);
  await book(api.ctx, handle, f, { inSeconds: 90 * ++slotsBooked });
  await runSession(handle, f, {
    inSession: opts.phone
      ? async () =>
          void (await handle.executeUpdate(m.switchToPhoneUpdate, {
            args: [{ actor: clinicianOf(f), error: 'Ingen bild hos patienten' }],
          }))
      : undefined,
  });
  await waitForStatus(handle, 'documentation');
  await writeNote(handle, f);
  await handle.result();
  return { id, handle };
}

it("RULES §10 a sysadmin keeps the unit's codes; a malformed KVÅ code is refused naming the field, nothing saved", async () => {
  const page = await sysadmin.get('/admin/koder').expect(200);
  expect(page.text).toContain(`/admin/koder/${f.unitId}`);
  const bad = await sysadmin
    .post(`/admin/koder/${f.unitId}`, { ...CODES, 'chat.kva': 'ZV05' })
    .type('form')
    .expect(400);
  expect(bad.text).toContain('Skriftlig kontakt (chatt): KVÅ-koder skrivs som två bokstäver och tre siffror');
  const none = await api.ctx.orm.em.fork().execute('select 1 from visit_code where care_unit_id = ?', [f.unitId]);
  expect(none).toEqual([]);
  await sysadmin.post(`/admin/koder/${f.unitId}`, CODES).type('form').expect(303);
  await finance.get('/admin/koder').expect(403);
});

it('RULES §10 a month: two video visits, a phone fallback, a no-show and a chat documented on two days give exactly these rows and codes', async () => {
  // The no-show first, on the slot starting now (the others' start later).
  const noShow = await startEncounter(api.ctx, f, f.adultId, { noShowGraceSeconds: 2 });
  await throughIdentity(noShow.handle, f);
  await book(api.ctx, noShow.handle, f, { inSeconds: 2 });
  expect(await noShow.handle.result()).toMatchObject({ status: 'no-show' });
  await closedVisit();
  await closedVisit();
  const phone = await closedVisit({ phone: true });
  // A thread whose care was documented on two days (the summaries the clinician signs).
  const { threadId } = await testThread(api.ctx, f);
  const acts = createMessageActivities({ orm: api.ctx.orm, mailer: captureMailer() });
  const author = { kind: 'staff' as const, id: f.staff.clinician, name: 'Maria Test' };
  const today = stockholmDateOf(new Date());
  const yesterday = stockholmDateOf(new Date(Date.now() - 86_400_000));
  for (const contactDate of [yesterday, today])
    await acts.storeSummary({ threadId, author, contactDate, text: `Sammanfattning ${contactDate}.` });
  // Signing the same day again registers nothing new.
  await acts.storeSummary({ threadId, author, contactDate: today, text: 'Igen.' });

  const months = [...new Set([yesterday, today].map((d) => d.slice(0, 7)))];
  const rows: Array<Record<string, string>> = [];
  for (const month of months) {
    const csv = await finance.get(`/admin/registreringar.csv?month=${month}`).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    // No cell here holds the delimiter or a quote, so a split reads it as a PAS import would.
    const [header, ...lines] = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
      .map((l) => l.split(';'));
    expect(header).toEqual([...REGISTRATION_CSV_COLUMNS]);
    rows.push(...lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]]))));
  }
  const mine = rows
    .filter((r) => r.vardenhet_hsa_id === `HSA-${f.unitId}`)
    .map((r) => [r.kontaktform, r.kontakttyp, r.kva_koder, r.patientavgift, r.utfall, r.kalla].join('|'))
    .sort();
  expect(mine).toEqual(
    [
      'video|VI|ZV051|ja|genomford|encounter',
      'video|VI|ZV051|ja|genomford|encounter',
      'phone|TE|ZV051|nej|genomford|encounter',
      'video|VI||nej|uteblev|encounter',
      'chat|BR|ZV051 XS003|nej|genomford|thread',
      'chat|BR|ZV051 XS003|nej|genomford|thread',
    ].sort(),
  );
  expect(rows.filter((r) => r.vardenhet_hsa_id === `HSA-${f.unitId}`).every((r) => r.personnummer === f.adultPnr)).toBe(
    true,
  );

  // The month's page shows the same, per unit and contact type.
  const page = await finance.get(`/admin/registreringar?month=${today.slice(0, 7)}`).expect(200);
  expect(page.text).toContain('Skriftlig distanskontakt');

  // The journal got the phone visit's Encounter with the same codes.
  const encounters = await api.worker.ehr.all<import('@medplum/fhirtypes').Encounter>('Encounter');
  const sent = encounters.find((e) => e.identifier?.some((i) => i.value === phone.id));
  expect(sent?.type?.[0].coding).toEqual([
    { system: SYSTEMS.contactType, code: 'TE', display: 'Telefonkontakt' },
    { system: SYSTEMS.kva, code: 'ZV051' },
  ]);
});

it('RULES §10 only finance and quality leads read the registrations; a care administrator may not', async () => {
  const careAdmin = await login(api.app, { hsaId: f.staff.careAdmin });
  await careAdmin.get('/admin/registreringar').expect(403);
  await careAdmin.get('/admin/registreringar.csv').expect(403);
});
