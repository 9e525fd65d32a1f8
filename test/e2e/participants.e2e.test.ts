/**
 * More than two in the room (issue 26), in real browsers: the patient, the booked clinician, an
 * interpreter (e-ID) and a clinician of another unit (staff login), four Chromium pages on one Janus
 * room. Each waits in its own waiting room with no room credentials, is admitted, plays the three
 * others' videos with their names and roles under them, writes in the chat that reaches the three
 * others, and receives the clinician's shared screen.
 */
import type { Page } from 'playwright-core';
import { useBrowserStack } from '../support/browser-stack';
import * as m from '../../workflows/encounter.messages';
import { waitForState, waitForStatus } from '../../testkit/drive';
import { makeFixture, randomPersonnummer, type FixtureWith } from '../../testkit/fixtures';
import { login } from '../../testkit/login';
import {
  admitPatient,
  admitParticipant,
  bookedEncounter,
  enterInBrowser,
  meetingLinks,
  newPage,
  remoteVideosPlaying,
} from '../../testkit/meeting';

jest.setTimeout(240_000);

const stack = useBrowserStack();

/** How many remote videos the page plays (a tile whose video has a picture). */
const playing = (page: Page) =>
  page.evaluate(
    () =>
      Array.from(document.querySelectorAll<HTMLVideoElement>('#videos video[data-feed]')).filter(
        (v) => v.videoWidth > 0,
      ).length,
  );
const captions = (page: Page) => page.locator('#videos figure.remote figcaption').allTextContents();
const askForRoom = (page: Page) =>
  page.evaluate(async () => {
    const cfg = JSON.parse(document.getElementById('meeting-config')!.textContent!) as {
      key: string;
      csrfToken: string;
    };
    const headers = { 'x-meeting-key': cfg.key, 'x-csrf-token': cfg.csrfToken, 'content-type': 'application/json' };
    const join = await fetch('/meet/api/join', { headers });
    const chat = await fetch('/meet/api/chat', { method: 'POST', headers, body: JSON.stringify({ text: 'hej' }) });
    return { join: join.status, joinBody: await join.text(), chat: chat.status };
  });

it('four in the room: each waits until admitted, then sees and hears the three others, chats with them and receives the shared screen', async () => {
  const { id, handle, f } = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 300 });
  const other: FixtureWith<'staff'> = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const links = await meetingLinks(stack.app, id, f);
  const careAdmin = await login(stack.app, { hsaId: f.staff.careAdmin });
  const interpreterPnr = randomPersonnummer('19850101');
  const interpreter = (
    await careAdmin
      .post(`/api/encounters/${id}/participants/invitations`, {
        kind: 'interpreter',
        name: 'Amal Haddad',
        language: 'arabiska',
        personnummer: interpreterPnr,
      })
      .expect(201)
  ).body as { url: string; participant: { id: string } };
  const colleague = (
    await careAdmin
      .post(`/api/encounters/${id}/participants/invitations`, {
        kind: 'colleague',
        name: 'Lena Berg',
        careUnitId: other.unitId,
      })
      .expect(201)
  ).body as { url: string; participant: { id: string } };

  const pages = {
    clinician: await newPage(stack.browser, 'clinician'),
    patient: await newPage(stack.browser, 'patient'),
    interpreter: await newPage(stack.browser, 'interpreter'),
    colleague: await newPage(stack.browser, 'colleague'),
  };
  const joins: Record<string, number[]> = { patient: [], interpreter: [], colleague: [] };
  for (const who of ['patient', 'interpreter', 'colleague'] as const)
    pages[who].on('response', (r) => {
      if (r.url().includes('/meet/api/join')) joins[who].push(r.status());
    });
  await enterInBrowser(pages.clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
  await waitForStatus(handle, 'video');
  await enterInBrowser(pages.patient, links.patientUrl, { personnummer: f.adultPnr });
  await enterInBrowser(pages.interpreter, interpreter.url, { personnummer: interpreterPnr });
  await enterInBrowser(pages.colleague, colleague.url, { hsaId: other.staff.clinician });

  // Everyone waits in a waiting room of their own; the pages asked for no room credentials, and asking is refused.
  await waitForState(handle, (s) => s.patientPresent && s.participants!.every((p) => p.status === 'waiting'), 60_000);
  for (const who of ['patient', 'interpreter', 'colleague'] as const) {
    await pages[who].waitForSelector('#waiting-room', { state: 'visible' });
    expect(joins[who]).toEqual([]);
    const early = await askForRoom(pages[who]);
    expect(early).toMatchObject({ join: 409, chat: 409 });
    expect(early.joinBody).not.toMatch(/pin|janusToken|wsUrl/);
    await expect(pages[who].locator('#chat').isVisible()).resolves.toBe(false);
  }
  // The clinician's page lists who waits, and its status line says so.
  await pages.clinician.waitForSelector(`button[data-participant="${interpreter.participant.id}"]`);
  await pages.clinician.waitForFunction(() =>
    /Väntar på att släppas in: .*Amal Haddad \(tolk, arabiska\)/.test(
      document.getElementById('status-text')?.textContent ?? '',
    ),
  );

  // The clinician admits the patient, then each participant with its own button.
  await admitPatient(handle, pages.clinician);
  await waitForState(handle, (s) => s.sessionStartedAt !== null);
  for (const p of [interpreter, colleague]) {
    await admitParticipant(pages.clinician, p.participant.id);
    await waitForState(
      handle,
      (s) => s.participants!.find((x) => x.id === p.participant.id)?.status === 'admitted',
      30_000,
    );
  }
  const admittedAt = Date.now();
  await Promise.all(Object.values(pages).map((p) => remoteVideosPlaying(p, 3)));
  process.stdout.write(`admit → three remote videos on all four pages: ${Date.now() - admittedAt} ms\n`);
  for (const page of Object.values(pages)) expect(await playing(page)).toBe(3);
  await pages.clinician.waitForFunction(() =>
    /I mötet med dig: patienten, Amal Haddad \(tolk, arabiska\), Lena Berg/.test(
      document.getElementById('status-text')?.textContent ?? '',
    ),
  );

  // Names and roles under the videos (staff with title and name).
  await pages.patient.waitForFunction(() => document.querySelectorAll('#videos figure.remote figcaption').length === 3);
  await pages.patient.waitForFunction(() =>
    Array.from(document.querySelectorAll('#videos figure.remote figcaption')).every((c) =>
      / – /.test(c.textContent ?? ''),
    ),
  );
  expect((await captions(pages.patient)).sort()).toEqual(
    [
      'Amal Haddad – Tolk (arabiska)',
      'Läkare Maria Test – Vårdgivare',
      expect.stringMatching(/^Läkare Maria Test – Vårdgivare från annan enhet \(.+\)$/),
    ].sort(),
  );

  // A message from each reaches the three others, in the log that announces it.
  const said: Record<string, string> = {};
  for (const [who, page] of Object.entries(pages)) {
    said[who] = `Hej från ${who}`;
    await page.fill('#chat-input', said[who]);
    await page.press('#chat-input', 'Enter');
  }
  for (const page of Object.values(pages))
    await page.waitForFunction(
      (texts) => texts.every((t) => document.getElementById('chat-log')?.textContent?.includes(t)),
      Object.values(said),
      { timeout: 30_000 },
    );
  await expect(pages.patient.locator('#chat-log').getAttribute('role')).resolves.toBe('log');
  await expect(pages.interpreter.locator('#chat-log').textContent()).resolves.toContain('Amal Haddad');

  // The clinician shares the screen: the others receive a picture of the screen's size in the clinician's tile.
  await pages.clinician.click('#share');
  const shared = (
    await pages.clinician.waitForFunction(
      () => (window as unknown as { vardmote: { sharing?: { width: number; height: number } } }).vardmote.sharing,
    )
  ).jsonValue() as Promise<{ width: number; height: number }>;
  const screen = await shared;
  await expect(pages.clinician.locator('#share').getAttribute('aria-pressed')).resolves.toBe('true');
  expect(screen.width).toBeGreaterThan(0);
  for (const who of ['patient', 'interpreter', 'colleague'] as const)
    await pages[who].waitForFunction(
      ({ width, height }) =>
        Array.from(document.querySelectorAll<HTMLVideoElement>('#videos video[data-feed]')).some(
          (v) =>
            v.videoWidth === width &&
            v.videoHeight === height &&
            / – Vårdgivare$/.test(v.closest('figure')?.querySelector('figcaption')?.textContent ?? ''),
        ),
      screen,
      { timeout: 60_000 },
    );
  await pages.clinician.click('#share');
  await expect(pages.clinician.locator('#share').getAttribute('aria-pressed')).resolves.toBe('false');

  // The meeting ends: its chat is gone with it.
  await pages.clinician.click('#end');
  await waitForStatus(handle, 'documentation');
  await pages.patient.waitForSelector('#ended:not([hidden])');
  const after = await askForRoom(pages.patient);
  expect(after.chat).toBe(409);
  const timeline = (await handle.query(m.stateQuery)).timeline.map((t) => t.event);
  expect(timeline.filter((e) => e === 'participant-admitted')).toHaveLength(2);
});
