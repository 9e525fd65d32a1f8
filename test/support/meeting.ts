/** Real meetings for tests and the video benchmark: a booked encounter, its links, Chromium pages. */
import type { Browser, Page } from 'playwright-core';
import * as m from '../../workflows/encounter.messages';
import { admin, startEncounter, throughIdentity, waitForState } from './encounters';
import type { TestContext } from './env';
import { makeFixture, makeSlot } from './fixtures';

/** A booked encounter (its own unit and clinician) whose room opens in a moment. */
export async function bookedEncounter(ctx: TestContext, policy: Partial<m.EncounterPolicy>) {
  const f = await makeFixture(ctx.orm);
  const { id, handle } = await startEncounter(ctx, f, f.adultId, {
    roomOpensBeforeSeconds: 1,
    activityTimeoutSeconds: 15,
    ...policy,
  });
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 2, 5);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  return { id, handle, f };
}

export async function meetingLinks(
  baseUrl: string,
  encounterId: string,
): Promise<{ patientUrl: string; clinicianUrl: string }> {
  const res = await fetch(`${baseUrl}/api/encounters/${encounterId}/meeting-links`, {
    method: 'POST',
    headers: { 'x-actor-id': admin.id, 'x-actor-role': 'admin' },
  });
  if (res.status !== 201) throw new Error(`meeting-links answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { patientUrl: string; clinicianUrl: string };
}

/** A page in its own browser context; its errors go to stdout to explain a failure. */
export async function newPage(browser: Browser, name = 'page'): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (err) => process.stdout.write(`[${name}] page error: ${err.message}\n`));
  page.on('console', (msg) => msg.type() === 'error' && process.stdout.write(`[${name}] console: ${msg.text()}\n`));
  return page;
}

export const remoteVideoPlaying = (page: Page, timeout = 45_000) =>
  page.waitForFunction(() => (document.getElementById('remote-video') as HTMLVideoElement).videoWidth > 0, undefined, {
    timeout,
  });

/** Both pages open; waits for the patient in the waiting room, confirms the checklist and admits. Returns the admit time. */
export async function admitPatient(handle: Parameters<typeof waitForState>[0], clinician: Page): Promise<number> {
  await waitForState(handle, (s) => s.patientPresent, 45_000);
  for (const item of m.CHECKLIST_ITEMS) await clinician.check(`#checklist input[name=${item}]`);
  await clinician.click('#checklist button[type=submit]');
  await clinician.waitForSelector('#admit:not([disabled])');
  const at = Date.now();
  await clinician.click('#admit');
  return at;
}

/** Remote video of a page: decoded and dropped frames so far. */
export const videoStats = (page: Page) =>
  page.evaluate(
    () =>
      (
        window as unknown as {
          vardmote: {
            videoStats?: () => Promise<{ framesDecoded: number; framesDropped: number; framesPerSecond: number }>;
          };
        }
      ).vardmote.videoStats?.() ?? null,
  );
