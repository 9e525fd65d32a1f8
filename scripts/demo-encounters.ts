/** Starts a few demo encounters in different states and a message thread, through the same services the API uses. */
import type { Client } from '@temporalio/client';
import type { Orm } from '../db/orm';
import { DEMO, DemoClinicianName, DemoPatientName } from '../db/seed';
import { createEncounter } from '../api/encounters/service';
import { startThread } from '../api/messages/service';
import { issueMeetingLinks } from '../api/meet/links';
import { writeAccessLog } from '../db/access-log';
import type { EntityManager } from '@mikro-orm/postgresql';
import { countEncounters, findMeetingAround } from '../db/encounters';
import { historyEncounterIds } from './demo-history-plan';
import { addSlotIfFree, findFreeSlot } from '../db/slots';
import { answerAll } from '../domain/eligibility';
import * as m from '../workflows/encounter.messages';

const admin: m.Actor = { id: 'demo-admin', role: 'admin', name: 'Demo Administratör' };
const yes = answerAll(true);
/** The demo writes the same access-log row as the API, naming itself as the actor. */
const logDemo = (tx: EntityManager, encounterId: string, patientId: string) =>
  writeAccessLog(tx, { actor: 'system:demo', role: 'system', action: 'create', target: `encounter:${encounterId}` }, [
    patientId,
  ]);
const clinicianActor = (c: (typeof DEMO.clinicians)[DemoClinicianName]): m.Actor => ({
  id: c.id,
  role: 'clinician',
  name: `${c.givenName} ${c.familyName}`,
});

/** Returns how many were started (0 when encounters besides the demo's history already exist). */
export async function seedDemoEncounters(orm: Orm, temporal: Client, taskQueue: string): Promise<number> {
  const em = orm.em.fork();
  if ((await countEncounters(em, historyEncounterIds())) > 0) return 0;
  const unit = DEMO.units.sodermalm;
  const doctor = DEMO.clinicians.maria;
  const clinician = clinicianActor(doctor);
  const start = async (patient: DemoPatientName, reason: string) => {
    const { workflowId } = await createEncounter(
      em,
      temporal,
      taskQueue,
      admin,
      {
        patientId: DEMO.patients[patient].id,
        careUnitId: unit.id,
        reason,
      },
      logDemo,
    );
    return temporal.workflow.getHandle(workflowId);
  };

  await start('anna', 'Uppföljning blodtryck');
  const h2 = await start('erik', 'Receptförnyelse');
  await h2.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinician, answers: yes }] });

  const h3 = await start('liam', 'Eksem, uppföljning (vårdnadshavare loggar in)');
  await h3.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinician, answers: yes }] });
  await h3.executeUpdate(m.recordIdentityUpdate, {
    args: [
      {
        actor: { id: 'sara', role: 'guardian' },
        claims: { personnummer: DEMO.patients.sara.pnr, loa: 'loa3', method: 'test' },
      },
    ],
  });
  const slotId = await findFreeSlot(em, doctor.id, { startsAfter: new Date(Date.now() + 24 * 3600_000) });
  if (slotId) await h3.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId }] });

  const h4 = await start('greta', 'Bröstsmärta');
  await h4.executeUpdate(m.answerEligibilityUpdate, {
    args: [{ actor: clinician, answers: { ...yes, withoutPhysicalMeeting: false } }],
  });

  const h5 = await start('anna', 'Avbokad av patienten');
  await h5.executeUpdate(m.cancelUpdate, { args: [{ actor: { id: 'anna', role: 'patient' }, reason: 'Mår bättre' }] });

  // A message waiting for its answer, so *Meddelanden* has something in its queue.
  const anna = DEMO.patients.anna;
  await startThread(
    em,
    temporal,
    taskQueue,
    {
      patientId: anna.id,
      careUnitId: unit.id,
      subject: 'Fråga om provsvar',
      text: 'Hej! Har svaren på blodproverna från förra veckan kommit? Vänliga hälsningar, Anna',
      author: { kind: 'patient', id: anna.pnr, name: `${anna.givenName} ${anna.familyName}` },
    },
    (tx, threadId) =>
      writeAccessLog(tx, { actor: 'system:demo', role: 'system', action: 'create', target: `thread:${threadId}` }, [
        anna.id,
      ]),
  );
  return 5;
}

/**
 * A video meeting that can start right now, with its two one-time links, so whoever ran `npm start`
 * can open both in a browser and meet themselves. Null when no clinician is free in the next minutes.
 */
export async function startDemoVideoMeeting(
  orm: Orm,
  temporal: Client,
  taskQueue: string,
  publicUrl: string,
  linkTtlSeconds: number,
): Promise<{ patientUrl: string; clinicianUrl: string } | null> {
  const em = orm.em.fork();
  const links = (encounterId: string) =>
    issueMeetingLinks(em, encounterId, admin.id, { publicUrl, ttlSeconds: linkTtlSeconds }, (tx) =>
      writeAccessLog(
        tx,
        { actor: 'system:demo', role: 'system', action: 'issue-meeting-links', target: `encounter:${encounterId}` },
        [DEMO.patients.anna.id],
      ),
    );
  // A restart within the meeting's time gets fresh links to the same meeting.
  const running = await findMeetingAround(em, DEMO.patients.anna.id, 10);
  if (running) return links(running);
  for (const doctor of Object.values(DEMO.clinicians)) {
    // A free seeded slot that is running or starts soon, else a new 20-minute slot if the clinician is free.
    const now = Date.now();
    const slotId =
      (await findFreeSlot(em, doctor.id, {
        endsAfter: new Date(now + 5 * 60_000),
        startsBefore: new Date(now + 10 * 60_000),
      })) ?? (await addSlotIfFree(em, doctor.id, new Date(now + 60_000), new Date(now + 21 * 60_000)));
    if (!slotId) continue;
    const clinician = clinicianActor(doctor);
    const { id, workflowId } = await createEncounter(
      em,
      temporal,
      taskQueue,
      admin,
      {
        patientId: DEMO.patients.anna.id,
        careUnitId: DEMO.units[doctor.unit].id,
        reason: 'Demo: videomöte nu',
      },
      logDemo,
    );
    const handle = temporal.workflow.getHandle(workflowId);
    await handle.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinician, answers: yes }] });
    await handle.executeUpdate(m.recordIdentityUpdate, {
      args: [
        {
          actor: { id: 'anna', role: 'patient' },
          claims: { personnummer: DEMO.patients.anna.pnr, loa: 'loa3', method: 'test' },
        },
      ],
    });
    await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId }] });
    return links(id);
  }
  return null;
}
