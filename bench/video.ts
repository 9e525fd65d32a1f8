/**
 * Video benchmark: (1) the time from "admit" to remote video playing on both pages, against the bare
 * Janus subscribe → first frame inside the page; (1b) rooms of 3 and 4 (patient, clinician, an
 * interpreter and a colleague of another unit; issue 26): admit → every page plays every other's
 * video, and Janus's CPU per participant; (2) how many concurrent two-party rooms with fake
 * media this machine's one Janus process carries before frames drop; (3) the same without browsers:
 * the light load client's two-party rooms (bench/video/) until frames drop or latency passes its bound.
 * Run: npm run bench:video (fresh embedded services on the test ports; Chromium runs on the same machine);
 * BENCH_VIDEO_ONLY=light npm run bench:video runs (3) alone.
 */
import { janusRoomsOptions } from '../media/room-service';
import type { Server } from 'node:http';
import os from 'node:os';
import type { Page } from 'playwright-core';
import { createJanusRooms } from '../media/janus-rooms';
import { testApp } from '../testkit/app';
import { launchChromium } from '../testkit/browser';
import { waitForState, waitForStatus } from '../testkit/drive';
import { makeFixture, randomPersonnummer } from '../testkit/fixtures';
import { login } from '../testkit/login';
import { connect, testConfig } from '../testkit/env';
import { testPorts } from '../scripts/ports';
import {
  admitParticipant,
  admitPatient,
  bookedEncounter,
  enterInBrowser,
  meetingLinks,
  newPage,
  remoteVideoPlaying,
  remoteVideosPlaying,
  videoStats,
} from '../testkit/meeting';
import { startTestWorker } from '../testkit/worker';
import { cpuSeconds, janusPid } from './video/proc-cpu';
import { rampRooms } from './video/ramp';

const PORT = Number(process.env.TEST_WEB_PORT ?? testPorts().web);
const BASE = `http://127.0.0.1:${PORT}`;
const ROUNDS = Number(process.env.BENCH_VIDEO_ROUNDS ?? 3);
const MAX_ROOMS = Number(process.env.BENCH_VIDEO_MAX_ROOMS ?? 8);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const janusCpuSeconds = () => cpuSeconds(janusPid());

/** Every page's remote video and Janus's CPU over 3 s: stats before and after, the seconds, Janus's % of one core. */
async function sample(pages: Page[]) {
  const before = await Promise.all(pages.map(videoStats));
  const cpu0 = janusCpuSeconds();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const after = await Promise.all(pages.map(videoStats));
  const secs = (Date.now() - t0) / 1000;
  return { before, after, secs, cpu: ((janusCpuSeconds() - cpu0) / secs) * 100 };
}

/** (1), (1b) and (2): the meeting pages in Chromium. */
async function inBrowsers(): Promise<void> {
  const ctx = await connect({ PORT: String(PORT), PUBLIC_URL: BASE });
  const rooms = createJanusRooms(janusRoomsOptions(ctx.config));
  const worker = await startTestWorker(ctx, { rooms });
  const app = testApp(ctx);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(PORT, '127.0.0.1', () => resolve(s));
  });
  const browser = await launchChromium();

  /** Opens one meeting and admits the patient; resolves when both pages play the other's video. */
  const meeting = async () => {
    const { id, handle, f } = await bookedEncounter(ctx, { noShowGraceSeconds: 300 });
    const links = await meetingLinks(app, id, f);
    const clinician = await newPage(browser, 'clinician');
    const patient = await newPage(browser, 'patient');
    await enterInBrowser(clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
    await enterInBrowser(patient, links.patientUrl, { personnummer: f.adultPnr });
    await waitForStatus(handle, 'video', 60_000);
    const admittedAt = await admitPatient(handle, clinician);
    await Promise.all([remoteVideoPlaying(clinician), remoteVideoPlaying(patient)]);
    return { handle, pages: [clinician, patient], admitToVideoMs: Date.now() - admittedAt };
  };
  const janusOnlyMs = (page: Page) =>
    page.evaluate(() => {
      const d = (window as unknown as { vardmote: { subscribeStartedAt: number; remotePlayingAt: number } }).vardmote;
      return d.remotePlayingAt - d.subscribeStartedAt;
    });

  // (1) Admit → remote video, ROUNDS times, each meeting ended before the next.
  console.log(
    `bench:video — ${ROUNDS} meetings, then up to ${MAX_ROOMS} concurrent rooms (Chromium ${browser.version()}, Janus on the same 2-core machine)`,
  );
  const total: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const mt = await meeting();
    total.push(mt.admitToVideoMs);
    bare.push(Math.max(...(await Promise.all(mt.pages.map(janusOnlyMs)))));
    console.log(
      `  meeting ${i + 1}/${ROUNDS}: admit → both remote videos ${mt.admitToVideoMs} ms (Janus subscribe → first frame ${bare.at(-1)!.toFixed(0)} ms)`,
    );
    await mt.pages[0].click('#end');
    await waitForStatus(mt.handle, 'documentation');
    await Promise.all(mt.pages.map((p) => p.context().close()));
  }
  console.log(
    `admit → remote video playing: median ${median(total)} ms; bare Janus subscribe → first frame: median ${median(bare).toFixed(0)} ms; ratio ${(median(total) / median(bare)).toFixed(2)}`,
  );
  console.log("  (the difference is the workflow update, the pages' 1 s state poll and the subscription set-up)");

  // (1b) Rooms of three and four: everyone admitted, then every page plays the n-1 others.
  console.log('room of  admit → all remote videos  janus CPU  CPU per participant  remote fps (min per feed)');
  for (const size of [3, 4]) {
    const { id, handle, f } = await bookedEncounter(ctx, { noShowGraceSeconds: 300 });
    const links = await meetingLinks(app, id, f);
    const admin = await login(app, { hsaId: f.staff.careAdmin });
    const other = await makeFixture(ctx.orm, { with: ['staff'] });
    const invitations = [
      { kind: 'interpreter', name: 'Amal Haddad', language: 'arabiska', personnummer: randomPersonnummer('19850101') },
      { kind: 'colleague', name: 'Lena Berg', careUnitId: other.unitId },
    ].slice(0, size - 2);
    const invited: Array<{ url: string; participant: { id: string } }> = [];
    for (const inv of invitations)
      invited.push((await admin.post(`/api/encounters/${id}/participants/invitations`, inv).expect(201)).body);
    const clinician = await newPage(browser, 'clinician');
    const pages = [clinician];
    await enterInBrowser(clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
    await waitForStatus(handle, 'video', 60_000);
    const patient = await newPage(browser, 'patient');
    await enterInBrowser(patient, links.patientUrl, { personnummer: f.adultPnr });
    pages.push(patient);
    for (const [i, inv] of invitations.entries()) {
      const page = await newPage(browser, inv.kind);
      await enterInBrowser(
        page,
        invited[i].url,
        inv.kind === 'colleague' ? { hsaId: other.staff.clinician } : { personnummer: inv.personnummer! },
      ).catch(async (e: unknown) => {
        // A refused way in renders a page without the meeting: say which, before failing.
        console.log(`  ${inv.kind}'s way in failed: ${await page.textContent('h1').catch(() => '?')}`);
        throw e;
      });
      pages.push(page);
    }
    await waitForState(handle, (s) => (s.participants ?? []).every((p) => p.status === 'waiting'), 60_000);
    const admittedAt = await admitPatient(handle, clinician);
    for (const p of invited) await admitParticipant(clinician, p.participant.id);
    await Promise.all(pages.map((p) => remoteVideosPlaying(p, size - 1)));
    const admitToAllMs = Date.now() - admittedAt;
    await new Promise((r) => setTimeout(r, 3000));
    const { before, after, secs, cpu } = await sample(pages);
    const minFps = Math.min(...after.map((a, i) => (a!.minFramesDecoded - before[i]!.minFramesDecoded) / secs));
    console.log(
      `${String(size).padStart(7)}  ${String(admitToAllMs).padStart(14)} ms  ${cpu.toFixed(0).padStart(7)} %  ${(cpu / size).toFixed(1).padStart(17)} %  ${minFps.toFixed(1).padStart(10)}`,
    );
    await clinician.click('#end');
    await waitForStatus(handle, 'documentation');
    await Promise.all(pages.map((p) => p.context().close()));
  }
  console.log(
    '  (admit → all: from admitting the patient, then each participant one by one, to every page playing every other)',
  );

  // (2) Concurrent rooms: add one at a time and sample every remote video for 3 s.
  const open: Array<{ pages: Page[] }> = [];
  let baselineFps = 0;
  let held = 0;
  console.log('rooms  janus CPU  remote fps (min/avg)  frames dropped');
  for (let n = 1; n <= MAX_ROOMS; n++) {
    open.push(await meeting());
    await new Promise((r) => setTimeout(r, 4000));
    const pages = open.flatMap((o) => o.pages);
    const { before, after, secs, cpu } = await sample(pages);
    const fps = after.map((a, i) => (a!.framesDecoded - before[i]!.framesDecoded) / secs);
    const dropped = after.reduce((sum, a, i) => sum + (a!.framesDropped - before[i]!.framesDropped), 0);
    const minFps = Math.min(...fps);
    const avgFps = fps.reduce((a, b) => a + b, 0) / fps.length;
    if (n === 1) baselineFps = avgFps;
    console.log(
      `${String(n).padStart(5)}  ${cpu.toFixed(0).padStart(8)} %  ${minFps.toFixed(1).padStart(8)} / ${avgFps.toFixed(1).padEnd(10)}  ${dropped}`,
    );
    // Frames "drop" when a remote video falls below 80 % of the one-room frame rate or frames are discarded.
    if (minFps < 0.8 * baselineFps || dropped > 0.05 * fps.length * secs * baselineFps) break;
    held = n;
  }
  console.log(
    `concurrent two-party rooms before frames drop: ${held}${held === MAX_ROOMS ? ` (the most tried; BENCH_VIDEO_MAX_ROOMS raises it)` : ''}`,
  );
  console.log('  (both browsers of every room run on this machine too, so this is a floor for Janus alone)');

  await browser.close();
  await new Promise((r) => server.close(r));
  await app.close();
  await worker.stop();
  await ctx.close();
}

/**
 * Meetecho's own performance papers (Amirante et al., "Performance analysis of the Janus WebRTC gateway",
 * AWeb 2015, and "Jattack: a WebRTC load testing tool", IPTComm 2016) measure other scenarios on 2015
 * hardware (by their abstracts: three representative use cases and multi-point audio conferencing), and
 * Meetecho publishes no rooms-per-core figure for Janus 1.x.
 */
const PUBLISHED =
  "no comparable published figure: Meetecho's own measurements (AWeb 2015, IPTComm 2016, Janus 0.x on 2015 hardware) cover other scenarios, and no rooms-per-core figure for two-party VideoRoom rooms exists, so no ratio is printed";

/** (3) Janus without browsers: the light load client's rooms, one at a time, until a bound is missed. */
async function light(): Promise<void> {
  const config = testConfig();
  const env = process.env;
  const maxP95Ms = Number(env.BENCH_VIDEO_MAX_P95_MS ?? 150);
  const minReceived = Number(env.BENCH_VIDEO_MIN_RECEIVED ?? 0.95);
  const maxRooms = Number(env.BENCH_VIDEO_LIGHT_MAX_ROOMS ?? 60);
  console.log(
    `light client (werift, synthetic 640×480 VP8 ~700 kbit/s at 30 fps + Opus 20 ms ~40 kbit/s): two-party rooms until a subscriber gets < ${minReceived * 100} % of the frames sent in a window, p95 latency > ${maxP95Ms} ms or the client sends < 27 fps, at most ${maxRooms} (load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')})`,
  );
  const { carried, steps } = await rampRooms({
    client: {
      wsUrl: config.janus.servers[0].wsUrl,
      apiSecret: config.janus.apiSecret,
      roomAdminKey: config.janus.roomAdminKey,
    },
    janusPid: janusPid(),
    maxRooms,
    // The client shares the machine's cores with Janus: one process per core.
    procs: Number(env.BENCH_VIDEO_CLIENT_PROCS ?? os.availableParallelism()),
    windowMs: Number(env.BENCH_VIDEO_WINDOW_MS ?? 4000),
    minReceived,
    maxP95Ms,
    minSentShare: 0.9,
    log: (line) => console.log(line),
  });
  const at = steps.find((s) => s.rooms === carried);
  const end = steps.at(-1);
  console.log(
    `two-party rooms carried by Janus with the light client: ${carried}${carried === maxRooms ? ' (the most tried; BENCH_VIDEO_LIGHT_MAX_ROOMS raises it)' : ''}`,
  );
  if (at)
    console.log(
      `  at ${carried} rooms: Janus ${at.janusCpu.toFixed(0)} % of one core (${(at.janusCpu / carried).toFixed(2)} % per room), the client ${at.clientCpu.toFixed(0)} %, of the machine's ${os.availableParallelism() * 100} %; p95 ${at.p95Ms.toFixed(1)} ms; load average ${at.load1.toFixed(2)}, CPU wait ${at.cpuWait.toFixed(0)} %`,
    );
  if (end && !end.ok)
    console.log(
      `  the step that missed a bound: Janus ${end.janusCpu.toFixed(0)} %, client ${end.clientCpu.toFixed(0)} % (sending ${end.sentFps.toFixed(1)} of 30 fps), load average ${end.load1.toFixed(2)}, CPU wait ${end.cpuWait.toFixed(0)} %: ${end.clientCpu > end.janusCpu ? 'the client, not Janus, used most of the CPU' : 'Janus used more CPU than the client'}`,
    );
  console.log(`  ${PUBLISHED}`);
}

async function main(): Promise<void> {
  if (process.env.BENCH_VIDEO_ONLY !== 'light') await inBrowsers();
  await light();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
