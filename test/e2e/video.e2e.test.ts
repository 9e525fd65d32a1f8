/**
 * Real video meetings: Janus, the web process, a worker and two headless Chromium pages with fake
 * camera and microphone. Janus' events reach the web process' event sink and drive the workflow.
 */
import { BASE, useBrowserStack } from '../support/browser-stack';
import * as m from '../../workflows/encounter.messages';
import { waitForState, waitForStatus } from '../../testkit/drive';
import { janusSessionIds } from '../support/janus-admin';
import {
  admitPatient,
  bookedEncounter,
  enterInBrowser,
  enterOverHttp,
  meetingLinks,
  newPage,
  remoteVideoPlaying,
} from '../../testkit/meeting';
import { maybeRecordHistory } from '../support/histories';

jest.setTimeout(120_000);

const stack = useBrowserStack();

it('both log in, the clinician admits the patient, both see video, ending destroys the room and moves to documentation', async () => {
  const { id, handle, f } = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 90 });
  const links = await meetingLinks(stack.app, id, f);
  const clinician = await newPage(stack.browser, 'clinician');
  const patient = await newPage(stack.browser, 'patient');
  const patientJoins: string[] = [];
  patient.on('request', (r) => r.url().includes('/meet/api/join') && patientJoins.push(r.url()));
  await enterInBrowser(clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
  await enterInBrowser(patient, links.patientUrl, { personnummer: f.adultPnr });

  await waitForStatus(handle, 'video');
  const roomId = (await handle.query(m.stateQuery)).room!.roomId;
  expect(await stack.rooms.exists(roomId)).toBe(true);
  // The clinician's name and title are visible to the patient.
  await expect(patient.locator('#name-badge').textContent()).resolves.toContain('Läkare Maria Test');

  // The patient waits: present (told by the logged-in page) but not admitted. The server enforces it:
  // the patient's page has asked for no room credentials, and asking now is refused; no video either way.
  await waitForState(handle, (s) => s.patientPresent, 45_000);
  await expect(patient.locator('#waiting-room').isVisible()).resolves.toBe(true);
  await expect(clinician.locator('#admit').isDisabled()).resolves.toBe(true);
  await clinician.waitForFunction(
    () => (window as unknown as { vardmote: { phase: string } }).vardmote.phase === 'published',
  );
  await expect(remoteVideoPlaying(patient, 1000)).rejects.toThrow();
  await expect(remoteVideoPlaying(clinician, 1000)).rejects.toThrow();
  expect(patientJoins).toEqual([]);
  const early = await patient.evaluate(async () => {
    const cfg = JSON.parse(document.getElementById('meeting-config')!.textContent!) as { key: string };
    const res = await fetch('/meet/api/join', { headers: { 'x-meeting-key': cfg.key } });
    return { status: res.status, body: await res.text() };
  });
  expect(early.status).toBe(409);
  expect(early.body).not.toContain('pin');
  const admittedAt = await admitPatient(handle, clinician);

  await Promise.all([remoteVideoPlaying(clinician), remoteVideoPlaying(patient)]);
  process.stdout.write(`admit → remote video on both pages: ${Date.now() - admittedAt} ms\n`);
  const widths = await Promise.all(
    [clinician, patient].map((p) =>
      p.evaluate(() => (document.getElementById('remote-video') as HTMLVideoElement).videoWidth),
    ),
  );
  expect(Math.min(...widths)).toBeGreaterThan(0);

  await clinician.click('#end');
  await waitForStatus(handle, 'documentation');
  expect(await stack.rooms.exists(roomId)).toBe(false);
  await patient.waitForFunction(
    () =>
      document.body.dataset.status === 'documentation' ||
      (window as unknown as { vardmote: { phase: string } }).vardmote.phase === 'ended',
  );

  const timeline = (await handle.query(m.stateQuery)).timeline;
  expect(timeline.find((t) => t.event === 'patient-joined')?.actor.id).toBe('waiting-room-page');
  expect(timeline.find((t) => t.event === 'clinician-joined')?.actor.id).toBe('janus');
  expect(timeline.map((t) => t.event)).toEqual(
    expect.arrayContaining(['checklist-confirmed', 'patient-admitted', 'session-ended']),
  );

  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: { id: f.clinicianId, role: 'clinician' }, text: 'Videobesök genomfört.' }],
  });
  expect(await handle.result()).toMatchObject({ status: 'closed' });
  await maybeRecordHistory(handle, 'video-janus');
});

it('the patient never joins: no-show after the grace period and the room is destroyed', async () => {
  const { id, handle, f } = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 10 });
  const links = await meetingLinks(stack.app, id, f);
  const clinician = await newPage(stack.browser);
  await enterInBrowser(clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
  await waitForState(handle, (s) => s.clinicianPresent, 45_000);
  const roomId = (await handle.query(m.stateQuery)).room!.roomId;
  expect(await handle.result()).toMatchObject({ status: 'no-show' });
  expect(await stack.rooms.exists(roomId)).toBe(false);
  await clinician.waitForSelector('#ended:not([hidden])');
  await maybeRecordHistory(handle, 'video-no-show');
});

it('a wrong, expired, revoked or used link gets a clear page and no Janus handle', async () => {
  const { id, f } = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 60 });
  const first = await meetingLinks(stack.app, id, f);
  const second = await meetingLinks(stack.app, id, f);
  // The second links replaced (revoked) the first; then the second patient link is used by the patient
  // over HTTP (no browser, so no Janus session) and the clinician link is made to expire.
  await enterOverHttp(stack.ctx, stack.app, second.patientUrl, { personnummer: f.adultPnr });
  await stack.ctx.orm.em
    .fork()
    .execute(
      `update join_token set expires_at = now() - interval '1 minute' where encounter_id = ? and role = 'clinician' and revoked_at is null`,
      [id],
    );

  const before = await janusSessionIds(stack.ctx.config.janus.adminUrl, stack.ctx.config.janus.adminSecret);
  const page = await newPage(stack.browser);
  const cases: Array<[string, number, string]> = [
    [`${BASE}/meet/${'x'.repeat(43)}`, 404, 'Länken är ogiltig'],
    [`${BASE}/meet/not-even-a-token`, 404, 'Länken är ogiltig'],
    [second.clinicianUrl, 410, 'Länken har gått ut'],
    [first.patientUrl, 410, 'Länken är återkallad'],
    [second.patientUrl, 410, 'Länken är redan använd'],
  ];
  for (const [url, status, title] of cases) {
    const res = await page.goto(url);
    expect(res!.status()).toBe(status);
    await expect(page.locator('h1').textContent()).resolves.toBe(title);
    expect(await page.locator('script[src*="meeting.js"]').count()).toBe(0);
  }
  await new Promise((r) => setTimeout(r, 1500));
  // No new Janus session appeared (earlier pages' sessions may end meanwhile, so compare ids, not counts).
  const after = await janusSessionIds(stack.ctx.config.janus.adminUrl, stack.ctx.config.janus.adminSecret);
  expect(after.filter((id) => !before.includes(id))).toEqual([]);
});
