/**
 * 1177 in a real browser (issue 24): a booking made through crm:scheduling MakeBooking (soap's client
 * from the official WSDL, mutual TLS) shows on the care administrator's encounter list and on the
 * patient's Mina sidor, and the meeting then works as any other; a kallelse sent from the back office's
 * form is what 1177 reads as an invitation.
 */
import { BASE, useBrowserStack } from '../support/browser-stack';
import { call, responseProblems, useRivtaProducer, type RivtaStack } from '../support/rivta';
import { makeFixture, makeSlot, type FixtureWith } from '../../testkit/fixtures';
import { answerEligibility, waitForStatus, YES } from '../../testkit/drive';
import {
  admitPatient,
  enterInBrowser,
  loginInBrowser,
  meetingLinks,
  newPage,
  remoteVideoPlaying,
} from '../../testkit/meeting';
import { toRivtaTime } from '../../domain/rivta-time';
import { TEXTS_SV } from '../../api/rivta/booking';
import * as m from '../../workflows/encounter.messages';

jest.setTimeout(180_000);
const stack = useBrowserStack();
const rivta: RivtaStack = useRivtaProducer(() => ({
  orm: stack.ctx.orm,
  temporal: stack.ctx.client,
  taskQueue: stack.ctx.config.temporal.taskQueue,
}));

let f: FixtureWith<'staff'>;
let unitHsa: string;
beforeEach(async () => {
  f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  unitHsa = `HSA-${f.unitId}`;
});
const digits = (pnr: string) => pnr.replace('-', '');

async function as1177(contract: string, args: Record<string, unknown>) {
  const res = await call(rivta, contract, args, {
    logicalAddress: unitHsa,
    actor: { id: digits(f.adultPnr), type: 'subject_of_care' },
  });
  expect(await responseProblems(contract, res.raw)).toEqual([]);
  return res.result;
}

it("RULES §7 a time booked from 1177 is on the administrator's list and on Mina sidor, and the meeting works as any other", async () => {
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 40, 5);
  const booked = await as1177('MakeBooking', {
    healthcare_facility_med: unitHsa,
    requestedTimeslot: {
      startTimeInclusive: toRivtaTime(slot.startsAt),
      endTimeExclusive: toRivtaTime(new Date(slot.startsAt.getTime() + 5 * 60_000)),
      healthcare_facility: unitHsa,
      performer: `HSA-${f.clinicianId}`,
      subject_of_care: digits(f.adultPnr),
      reason: 'Hosta sedan två veckor',
    },
    subject_of_care_info: { firstName: 'Vuxen', lastName: 'Test' },
  });
  expect(booked).toMatchObject({ resultCode: 'INFO', resultText: TEXTS_SV.booked });
  const id = booked.bookingId as string;
  const handle = stack.ctx.client.workflow.getHandle(m.encounterWorkflowId(id));
  const time = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', timeStyle: 'short' }).format(
    slot.startsAt,
  );

  // The care administrator's list: the encounter, its time and where it stands, in Swedish.
  const admin = await newPage(stack.browser, 'admin');
  await loginInBrowser(admin, `${BASE}/admin/encounters`, { hsaId: f.staff.careAdmin });
  const row = admin.locator('tr', { has: admin.locator(`a[href="/admin/encounters/${id}"]`) });
  await expect(row.textContent()).resolves.toMatch(new RegExp(`${time}[\\s\\S]*Lämplighetsbedömning`));

  // Mina sidor: the patient's own booking, and the identity step done there after the clinician's yes.
  const patient = await newPage(stack.browser, 'patient');
  await loginInBrowser(patient, `${BASE}/mina-sidor`, { personnummer: f.adultPnr });
  const mine = patient.locator(`tr[data-encounter="${id}"]`);
  await expect(mine.textContent()).resolves.toContain(time);
  await answerEligibility(handle, f, YES);
  await waitForStatus(handle, 'identity');
  await patient.reload();
  await mine.locator('button[type=submit]').click();
  await patient.waitForURL(/klart/);
  await waitForStatus(handle, 'video', 60_000);

  // The meeting, as any other.
  const links = await meetingLinks(stack.app, id, f);
  const clinician = await newPage(stack.browser, 'clinician');
  const inRoom = await newPage(stack.browser, 'patient-room');
  await enterInBrowser(clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
  await enterInBrowser(inRoom, links.patientUrl, { personnummer: f.adultPnr });
  await admitPatient(handle, clinician);
  await Promise.all([remoteVideoPlaying(clinician), remoteVideoPlaying(inRoom)]);
  await clinician.click('#end');
  await waitForStatus(handle, 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: { id: f.clinicianId, role: 'clinician' }, text: 'Videobesök bokat via 1177.' }],
  });
  expect(await handle.result()).toMatchObject({ status: 'closed' });
  await admin.reload();
  await expect(row.textContent()).resolves.toContain('Avslutad');
});

it("RULES §7 a kallelse sent with the back office's form is an open invitation in 1177 with its text", async () => {
  const admin = await newPage(stack.browser, 'admin');
  await loginInBrowser(admin, `${BASE}/admin/encounters/new`, { hsaId: f.staff.careAdmin });
  await admin.fill('input[name=personnummer]', f.adultPnr);
  await admin.selectOption('select[name=careUnitId]', f.unitId);
  await admin.check('input[name=invite]');
  // Without a text the form says what is missing and creates nothing.
  await admin.click('#new-encounter button[type=submit]');
  await expect(admin.locator('#form-error').textContent()).resolves.toContain('kallelsens text');
  const purpose = 'Du kallas till årskontroll av din astma. Ha din PEF-mätare till hands.';
  await admin.check('input[name=invite]');
  await admin.fill('textarea[name=purpose]', purpose);
  await admin.click('#new-encounter button[type=submit]');
  await admin.waitForURL(/\/admin\/encounters\/[0-9a-f-]{36}$/);
  const id = new URL(admin.url()).pathname.split('/').pop()!;
  await expect(admin.locator('#invitation').textContent()).resolves.toContain('Öppen kallelse');
  await expect(admin.locator('#book-form').isVisible()).resolves.toBe(true);

  const details = await as1177('GetBookingDetails', { healthcare_facility: unitHsa, bookingId: id });
  expect(details.timeslotDetail).toMatchObject({ bookingId: id, purpose, isInvitation: true });
});
