/**
 * The interpreter without Swedish e-ID in a real browser (issue 26): its link opens the code page, "Skicka
 * kod" sends the code by SMS, a wrong code is refused on the page, the right one leads to the meeting page
 * driven by /meet/api/guest/*: a waiting room with no room credentials, then, once the clinician admits,
 * the clinician's and the patient's videos and a chat message that reaches the clinician.
 */
import type { Page } from 'playwright-core';
import { useBrowserStack } from '../support/browser-stack';
import { waitForState, waitForStatus } from '../../testkit/drive';
import {
  admitParticipant,
  admitPatient,
  bookedEncounter,
  enterInBrowser,
  meetingLinks,
  newPage,
  remoteVideosPlaying,
} from '../../testkit/meeting';
import { login } from '../../testkit/login';
import { waitFor } from '../../testkit/wait';

jest.setTimeout(240_000);

const stack = useBrowserStack();

/** The page's own calls to the room's credentials and the chat, as the page would make them. */
const askForRoom = (page: Page) =>
  page.evaluate(async () => {
    const cfg = JSON.parse(document.getElementById('meeting-config')!.textContent!) as { key: string; api: string };
    const headers = { 'x-meeting-key': cfg.key, 'content-type': 'application/json' };
    const join = await fetch(`${cfg.api}join`, { headers });
    const chat = await fetch(`${cfg.api}chat`, { method: 'POST', headers, body: JSON.stringify({ text: 'hej' }) });
    return { join: join.status, joinBody: await join.text(), chat: chat.status };
  });
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? null);

it('an interpreter without e-ID sends the code, is refused a wrong one, waits with no credentials, is admitted, sees the others and chats', async () => {
  const { id, handle, f } = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 300 });
  const links = await meetingLinks(stack.app, id, f);
  const careAdmin = await login(stack.app, { hsaId: f.staff.careAdmin });
  const interpreter = (
    await careAdmin
      .post(`/api/encounters/${id}/participants/invitations`, {
        kind: 'interpreter',
        name: 'Tesfay Ghebre',
        language: 'tigrinja',
        identification: 'one-time-code',
        contact: { sms: '070-765 43 21' },
      })
      .expect(201)
  ).body as { url: string; participant: { id: string } };

  const clinician = await newPage(stack.browser, 'clinician');
  const patient = await newPage(stack.browser, 'patient');
  const guest = await newPage(stack.browser, 'interpreter');
  const joins: number[] = [];
  guest.on('response', (r) => {
    if (r.url().includes('/meet/api/') && r.url().includes('join')) joins.push(r.status());
  });
  await enterInBrowser(clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
  await waitForStatus(handle, 'video');
  await enterInBrowser(patient, links.patientUrl, { personnummer: f.adultPnr });

  // The link opens the code page: no login, a button for the code, a labelled field, the way on.
  await guest.goto(interpreter.url);
  await expect(guest.locator('h1').textContent()).resolves.toBe('Logga in med engångskod');
  await expect(guest.getByLabel('Engångskod').count()).resolves.toBe(1);
  await guest.click('#send-code');
  await guest.waitForSelector('#code-sent:has-text("Koden är skickad med sms")');
  // With a code on its way, the field has focus.
  await expect(focused(guest)).resolves.toBe('code');
  const sms = await waitFor(async () => {
    const [row] = await stack.ctx.orm.em
      .fork()
      .execute<Array<{ recipient: string; text: string }>>(
        "select recipient, text from outbox_message where encounter_id = ? and channel = 'sms'",
        [id],
      );
    return row;
  }, 'the code SMS');
  expect(sms.recipient).toBe('+46707654321');
  const code = /(\d{6})/.exec(sms.text)![1];

  // A wrong code: refused on the page, at the field, which keeps the focus.
  await guest.fill('#code', code === '000000' ? '111111' : '000000');
  const refused = guest.waitForResponse((r) => r.url().endsWith('/code/verify'));
  await guest.click('#verify-code');
  expect((await refused).status()).toBe(400);
  await expect(guest.locator('#code-error').textContent()).resolves.toBe(
    'Koden stämmer inte. Kontrollera koden och försök igen.',
  );
  await expect(guest.locator('#code').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(focused(guest)).resolves.toBe('code');

  // The right code: the meeting page, in its waiting room; no room credentials were asked for, and asking is refused.
  await guest.fill('#code', code);
  await guest.click('#verify-code');
  await guest.waitForURL(`**/meet/guest/${id}`);
  await guest.waitForSelector('#waiting-room', { state: 'visible' });
  await waitForState(
    handle,
    (s) => s.participants!.find((p) => p.id === interpreter.participant.id)?.status === 'waiting',
    60_000,
  );
  expect(joins).toEqual([]);
  const early = await askForRoom(guest);
  expect(early).toMatchObject({ join: 409, chat: 409 });
  expect(early.joinBody).not.toMatch(/pin|janusToken|wsUrl/);
  await expect(guest.locator('#chat').isVisible()).resolves.toBe(false);

  // The clinician admits the patient, then the interpreter with its own button.
  await admitPatient(handle, clinician);
  await admitParticipant(clinician, interpreter.participant.id);
  await waitForState(
    handle,
    (s) => s.participants!.find((p) => p.id === interpreter.participant.id)?.status === 'admitted',
    30_000,
  );
  // The interpreter's page plays the clinician's and the patient's videos, with their names and roles.
  await remoteVideosPlaying(guest, 2);
  await guest.waitForFunction(() =>
    Array.from(document.querySelectorAll('#videos figure.remote figcaption')).some((c) =>
      /^Läkare Maria Test – Vårdgivare$/.test(c.textContent ?? ''),
    ),
  );
  await guest.waitForFunction(() =>
    Array.from(document.querySelectorAll('#videos figure.remote figcaption')).some((c) =>
      / – Patient$/.test(c.textContent ?? ''),
    ),
  );
  expect(joins.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
  await clinician.waitForFunction(() =>
    Array.from(document.querySelectorAll('#videos figure.remote figcaption')).some(
      (c) => c.textContent === 'Tesfay Ghebre – Tolk (tigrinja)',
    ),
  );

  // A message from the interpreter reaches the clinician (and the patient).
  await guest.fill('#chat-input', 'Hej, jag tolkar till tigrinja');
  await guest.press('#chat-input', 'Enter');
  for (const page of [clinician, patient])
    await page.waitForFunction(
      () => /Tesfay Ghebre.*Hej, jag tolkar till tigrinja/.test(document.getElementById('chat-log')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );

  await clinician.click('#end');
  await waitForStatus(handle, 'documentation');
  await guest.waitForSelector('#ended:not([hidden])');
});
