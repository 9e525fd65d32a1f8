/** Real meetings for tests and the video benchmark: a booked encounter, its links, Chromium pages. */
import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { Express } from 'express';
import { findMeetingSession } from '../db/video';
import * as m from '../workflows/encounter.messages';
import { book, startEncounter, throughIdentity, waitForState } from './drive';
import type { TestContext } from './env';
import { FixtureWith, makeFixture } from './fixtures';
import { login, Who } from './login';

/** A booked encounter (its own unit, clinician and staff) whose room opens in a moment. */
export async function bookedEncounter(ctx: TestContext, policy: Partial<m.EncounterPolicy>) {
  const f: FixtureWith<'staff'> = await makeFixture(ctx.orm, { with: ['staff'] });
  const { id, handle } = await startEncounter(ctx, f, f.adultId, {
    roomOpensBeforeSeconds: 1,
    activityTimeoutSeconds: 15,
    ...policy,
  });
  await throughIdentity(handle, f);
  await book(ctx, handle, f, { inSeconds: 2, minutes: 5 });
  return { id, handle, f };
}

/** New links for the encounter, asked for by the unit's care administrator (logged in). */
export async function meetingLinks(
  app: Express,
  encounterId: string,
  f: Pick<FixtureWith<'staff'>, 'staff'>,
): Promise<{ patientUrl: string; clinicianUrl: string }> {
  const staff = await login(app, { hsaId: f.staff.careAdmin });
  return (await staff.post(`/api/encounters/${encounterId}/meeting-links`).expect(201)).body as {
    patientUrl: string;
    clinicianUrl: string;
  };
}

/**
 * Enters a meeting over HTTP as `who`: login, the link's page, the POST that enters, the room page.
 * Returns the logged-in agent, the page's meeting key and the Janus publisher id it was given.
 */
export async function enterOverHttp(ctx: TestContext, app: Express, url: string, who: Who) {
  const user = await login(app, who);
  const path = new URL(url).pathname;
  await user.get(path).expect(200);
  const entered = await user.post(path).type('form').send({ _csrf: user.csrf }).expect(303);
  const html = (await user.get(entered.headers.location).expect(200)).text;
  const { key } = JSON.parse(/<script type="application\/json" id="meeting-config">(.*?)<\/script>/.exec(html)![1]) as {
    key: string;
  };
  const session = await findMeetingSession(ctx.orm.em.fork(), createHash('sha256').update(key).digest('hex'));
  return { user, key, publisherId: session!.publisherId };
}

/**
 * In a browser: opens a URL that needs a login (choosing patient or staff login where the app asks)
 * and logs in at the test provider as `who`, typed as an own test identity.
 */
export async function loginInBrowser(page: Page, url: string, who: { personnummer: string } | { hsaId: string }) {
  await page.goto(url);
  if (new URL(page.url()).pathname === '/login')
    await page.click(`a[href^="/login/${'hsaId' in who ? 'staff' : 'patient'}"]`);
  await page.waitForURL(/\/interaction\//);
  await page.click('details summary');
  if ('hsaId' in who) await page.fill('input[name=hsaId]', who.hsaId);
  else await page.fill('input[name=personnummer]', who.personnummer.replace('-', ''));
  const origin = new URL(url).origin;
  await page.click('form.custom button[type=submit]');
  await page.waitForURL((u) => u.origin === origin && !u.pathname.startsWith('/login'));
  await page.waitForLoadState('load');
}

/** In a browser: opens a meeting link, logs in as `who` and enters the meeting. */
export async function enterInBrowser(page: Page, url: string, who: { personnummer: string } | { hsaId: string }) {
  await loginInBrowser(page, url, who);
  await page.waitForSelector('#enter');
  await page.click('#enter');
  await page.waitForSelector('#status-text');
}

/** A page in its own browser context; its errors go to stdout to explain a failure. */
export async function newPage(browser: Browser, name = 'page'): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (err) => process.stdout.write(`[${name}] page error: ${err.message}\n`));
  // Failed requests by URL (Chromium's own console line for them names no URL); expected 4xx pages show here too.
  page.on(
    'response',
    (r) => r.status() >= 400 && process.stdout.write(`[${name}] ${r.status()} ${r.request().method()} ${r.url()}\n`),
  );
  page.on(
    'console',
    (msg) =>
      msg.type() === 'error' &&
      !msg.text().startsWith('Failed to load resource') &&
      process.stdout.write(`[${name}] console: ${msg.text()}\n`),
  );
  return page;
}

export const remoteVideoPlaying = (page: Page, timeout = 45_000) =>
  page.waitForFunction(() => (document.getElementById('remote-video') as HTMLVideoElement).videoWidth > 0, undefined, {
    timeout,
  });

/** Waits until the page plays at least `n` remote videos (a tile per other person, issue 26). */
export const remoteVideosPlaying = (page: Page, n: number, timeout = 90_000) =>
  page.waitForFunction(
    (want) =>
      Array.from(document.querySelectorAll<HTMLVideoElement>('#videos video[data-feed]')).filter(
        (v) => v.videoWidth > 0,
      ).length >= want,
    n,
    { timeout },
  );

/** The clinician's page admits a waiting participant with its own button. */
export async function admitParticipant(clinician: Page, participantId: string): Promise<void> {
  await clinician.click(`button.admit-participant[data-participant="${participantId}"]`);
  await clinician.waitForSelector(`button.admit-participant[data-participant="${participantId}"]`, {
    state: 'detached',
  });
}

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
            /** Summed over the feeds received; `minFramesDecoded`: the feed with the fewest. */
            videoStats?: () => Promise<{
              framesDecoded: number;
              framesDropped: number;
              framesPerSecond: number;
              feeds: number;
              minFramesDecoded: number;
            }>;
          };
        }
      ).vardmote.videoStats?.() ?? null,
  );
