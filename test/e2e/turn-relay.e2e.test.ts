/**
 * Video through a TURN relay only (issue 31): both meeting pages are forced to `iceTransportPolicy:
 * 'relay'`, as a patient behind a UDP-blocking firewall effectively is, so media can flow only through
 * the test stack's coturn with the credential /meet/api/join hands out. Without that credential the
 * same meeting gets no media at all, which shows the relay is what carried it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useBrowserStack } from '../support/browser-stack';
import { testPorts, TURN_RELAY_PORTS } from '../../scripts/ports';
import { waitForStatus } from '../../testkit/drive';
import { TEST_DATA_DIR } from '../support/processes';
import {
  admitPatient,
  bookedEncounter,
  enterInBrowser,
  meetingLinks,
  newPage,
  remoteVideoPlaying,
} from '../../testkit/meeting';

jest.setTimeout(150_000);
const turnRunning = Boolean(process.env.TURN_URLS) && process.env.JANUS_REQUIRED !== 'false';
if (!turnRunning) console.warn('TURN relay test skipped: no TURN server in this test stack (apt-get install coturn)');
const maybe = turnRunning ? it : it.skip;

const stack = useBrowserStack();

/**
 * Before any page script: every RTCPeerConnection the page makes is relay-only, and `strip` drops the
 * STUN/TURN servers it was given; each one is kept, with the types of the candidates it gathered.
 */
async function relayOnly(page: Page, strip: boolean): Promise<void> {
  await page.addInitScript((stripServers: boolean) => {
    const Native = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    const gathered: string[] = [];
    Object.assign(window, { testPeers: made, testCandidates: gathered });
    window.RTCPeerConnection = class extends Native {
      constructor(config: RTCConfiguration = {}) {
        super({ ...config, iceTransportPolicy: 'relay', ...(stripServers ? { iceServers: [] } : {}) });
        made.push(this);
        this.addEventListener('icecandidate', (e) => e.candidate && gathered.push(e.candidate.type ?? '?'));
      }
    } as typeof RTCPeerConnection;
  }, strip);
}

/** Each peer connection's ICE state, and the type and port of the local candidate of its selected pair. */
const peerStates = (page: Page) =>
  page.evaluate(async () => {
    const peers = (window as unknown as { testPeers: RTCPeerConnection[] }).testPeers;
    return Promise.all(
      peers.map(async (pc) => {
        type Stat = { id: string; type: string; selectedCandidatePairId?: string; localCandidateId?: string };
        const byId = new Map<string, Stat & { candidateType?: string; port?: number }>();
        (await pc.getStats()).forEach((r: Stat) => byId.set(r.id, r));
        const transport = [...byId.values()].find((r) => r.type === 'transport' && r.selectedCandidatePairId);
        const pair = transport ? byId.get(transport.selectedCandidatePairId!) : undefined;
        const candidate = pair?.localCandidateId ? byId.get(pair.localCandidateId) : undefined;
        return { ice: pc.iceConnectionState, local: candidate?.candidateType ?? null, port: candidate?.port ?? null };
      }),
    );
  });

/** The remote video's size and playback position now and a second later. */
const remotePlayback = (page: Page) =>
  page.evaluate(async () => {
    const v = document.getElementById('remote-video') as HTMLVideoElement;
    const before = v.currentTime;
    await new Promise((r) => setTimeout(r, 1000));
    return { width: v.videoWidth, before, after: v.currentTime };
  });

/**
 * When the relayed video does not come: what each page gathered and connected, what it reported, and
 * the end of coturn's log, so a failure on another machine explains itself in the test output.
 */
async function explain(pages: Record<string, Page>): Promise<string> {
  const lines: string[] = [];
  for (const [name, page] of Object.entries(pages)) {
    const seen = await page.evaluate(() => {
      const w = window as unknown as { testCandidates: string[]; vardmote: { phase: string; errors: string[] } };
      return { candidates: w.testCandidates, phase: w.vardmote.phase, errors: w.vardmote.errors };
    });
    lines.push(`${name}: ${JSON.stringify({ ...seen, peers: await peerStates(page) })}`);
  }
  const log = path.join(TEST_DATA_DIR, 'turn.log');
  if (fs.existsSync(log)) lines.push('coturn:', ...fs.readFileSync(log, 'utf8').trim().split('\n').slice(-40));
  return lines.join('\n');
}

/** Two pages in one booked meeting, each relay-only (and without TURN when `strip`), the patient admitted. */
async function meetingThroughRelay(strip: boolean) {
  const { id, handle, f } = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 120 });
  const links = await meetingLinks(stack.app, id, f);
  const clinician = await newPage(stack.browser, 'clinician');
  const patient = await newPage(stack.browser, 'patient');
  const joins: Array<{ iceServers: RTCIceServer[] }> = [];
  for (const page of [clinician, patient]) {
    await relayOnly(page, strip);
    page.on('response', (r) => {
      if (r.url().endsWith('/meet/api/join') && r.ok())
        void r.json().then((body: { iceServers: RTCIceServer[] }) => joins.push(body));
    });
  }
  await enterInBrowser(clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
  await enterInBrowser(patient, links.patientUrl, { personnummer: f.adultPnr });
  await waitForStatus(handle, 'video');
  await clinician.waitForFunction(
    () => (window as unknown as { vardmote: { phase: string } }).vardmote.phase === 'published',
  );
  const admittedAt = await admitPatient(handle, clinician);
  return { clinician, patient, joins, f, admittedAt };
}

maybe('both pages relay-only: the video of each reaches the other through coturn', async () => {
  const { clinician, patient, joins, f, admittedAt } = await meetingThroughRelay(false);
  try {
    await Promise.all([remoteVideoPlaying(clinician), remoteVideoPlaying(patient)]);
  } catch (err) {
    process.stdout.write(`relayed video did not play:\n${await explain({ clinician, patient })}\n`);
    throw err;
  }
  process.stdout.write(`admit → remote video on both pages, relayed: ${Date.now() - admittedAt} ms\n`);
  const relayPorts = Array.from({ length: TURN_RELAY_PORTS }, (_, i) => testPorts().turnRelay + i);

  for (const page of [clinician, patient]) {
    const playback = await remotePlayback(page);
    expect(playback.width).toBeGreaterThan(0);
    expect(playback.after).toBeGreaterThan(playback.before);
    // Publisher and subscriber connection alike: connected, over a relay port of the test stack's coturn.
    const peers = await peerStates(page);
    expect(peers).toHaveLength(2);
    for (const p of peers) {
      expect(p).toMatchObject({ ice: expect.stringMatching(/^(connected|completed)$/), local: 'relay' });
      expect(relayPorts).toContain(p.port);
    }
  }

  // Each page got its own short-lived TURN REST credential, named by an opaque id: no personnummer, no name.
  expect(joins).toHaveLength(2);
  for (const { iceServers } of joins) {
    const turn = iceServers.find((s) => [s.urls].flat().some((u) => u.startsWith('turn')))!;
    expect(turn.username).toMatch(/^\d{10}:p-[0-9a-f]{24}$/);
    expect(Number(turn.username!.split(':')[0])).toBeGreaterThan(Date.now() / 1000);
    expect(turn.username).not.toContain(f.adultPnr.replace('-', '').slice(2));
    expect(turn.credential).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  }
  expect(joins[0].iceServers).not.toEqual(joins[1].iceServers);
});

maybe('the same meeting without the TURN credentials: no relay, no video, ICE never connects', async () => {
  const { clinician, patient, joins } = await meetingThroughRelay(true);
  expect(joins.length).toBeGreaterThanOrEqual(1);
  // Bounded: the relayed meeting above plays within a few seconds of admitting.
  await expect(remoteVideoPlaying(patient, 15_000)).rejects.toThrow();
  await expect(remoteVideoPlaying(clinician, 1000)).rejects.toThrow();
  for (const page of [clinician, patient]) {
    // Relay-only with no TURN server: not one candidate, so ICE never starts checking (Chromium: 'new'),
    // and Janus, never receiving the page's media, offers no feed to subscribe to.
    expect(await page.evaluate(() => (window as unknown as { testCandidates: string[] }).testCandidates)).toEqual([]);
    const peers = await peerStates(page);
    expect(peers).toHaveLength(1);
    expect(peers[0]).toEqual({ ice: expect.stringMatching(/^(new|checking|failed)$/), local: null, port: null });
  }
});
