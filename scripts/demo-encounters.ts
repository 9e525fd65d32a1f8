/** Starts a few demo encounters in different states, through the same service the API uses. */
import type { Client } from '@temporalio/client';
import type { Orm } from '../db/orm';
import { DEMO } from '../db/seed';
import { createEncounter } from '../api/encounters/service';
import { issueMeetingLinkUrls } from '../api/meet/links';
import * as m from '../workflows/encounter.messages';

const admin: m.Actor = { id: 'demo-admin', role: 'admin', name: 'Demo Administratör' };
const yes = { withoutPhysicalMeeting: true, suitsPatient: true, enoughInformation: true, followUpPossible: true };
const clinicianActor = (c: (typeof DEMO.clinicians)[number]): m.Actor => ({ id: c.id, role: 'clinician', name: `${c.givenName} ${c.familyName}` });

/** Returns how many were started (0 when demo encounters already exist). */
export async function seedDemoEncounters(orm: Orm, temporal: Client, taskQueue: string): Promise<number> {
  const em = orm.em.fork();
  const [{ n }] = await em.execute<Array<{ n: string }>>('select count(*) as n from encounter');
  if (Number(n) > 0) return 0;
  const [unit] = DEMO.units;
  const doctor = DEMO.clinicians[0];
  const clinician = clinicianActor(doctor);
  const start = async (patient: number, reason: string) => {
    const { workflowId } = await createEncounter(em, temporal, taskQueue, admin, { patientId: DEMO.patients[patient].id, careUnitId: unit.id, reason });
    return temporal.workflow.getHandle(workflowId);
  };

  await start(0, 'Uppföljning blodtryck');
  const h2 = await start(1, 'Receptförnyelse');
  await h2.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinician, answers: yes }] });

  const h3 = await start(4, 'Eksem, uppföljning (vårdnadshavare loggar in)');
  await h3.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinician, answers: yes }] });
  await h3.executeUpdate(m.recordIdentityUpdate, { args: [{ actor: { id: 'sara', role: 'guardian' }, claims: { personnummer: DEMO.patients[3].pnr, loa: 'loa3', method: 'test' } }] });
  const [slot] = await em.execute<Array<{ id: string }>>(
    `select s.id from slot s where s.clinician_id = ? and s.starts_at > now() + interval '1 day'
       and not exists (select 1 from booking b where b.slot_id = s.id and b.released_at is null) order by s.starts_at limit 1`,
    [doctor.id],
  );
  if (slot) await h3.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });

  const h4 = await start(2, 'Bröstsmärta');
  await h4.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinician, answers: { ...yes, withoutPhysicalMeeting: false } }] });

  const h5 = await start(0, 'Avbokad av patienten');
  await h5.executeUpdate(m.cancelUpdate, { args: [{ actor: { id: 'anna', role: 'patient' }, reason: 'Mår bättre' }] });
  return 5;
}

/**
 * A video meeting that can start right now, with its two one-time links, so whoever ran `npm start`
 * can open both in a browser and meet themselves. Null when no clinician is free in the next minutes.
 */
export async function startDemoVideoMeeting(orm: Orm, temporal: Client, taskQueue: string, publicUrl: string, linkTtlSeconds: number): Promise<{ patientUrl: string; clinicianUrl: string } | null> {
  const em = orm.em.fork();
  const links = (encounterId: string) => issueMeetingLinkUrls(em, encounterId, admin.id, { publicUrl, ttlSeconds: linkTtlSeconds });
  // A restart within the meeting's time gets fresh links to the same meeting.
  const [running] = await em.execute<Array<{ id: string }>>(
    `select id from encounter where patient_id = ? and status in ('pre-meeting', 'video')
       and scheduled_start between now() - interval '10 minutes' and now() + interval '10 minutes' order by created_at desc limit 1`,
    [DEMO.patients[0].id],
  );
  if (running) return links(running.id);
  for (const doctor of DEMO.clinicians) {
    // A free seeded slot that is running or starts soon, else a new 20-minute slot if the clinician is free.
    let [slot] = await em.execute<Array<{ id: string }>>(
      `select s.id from slot s where s.clinician_id = ? and s.ends_at > now() + interval '5 minutes' and s.starts_at < now() + interval '10 minutes'
         and not exists (select 1 from booking b where b.slot_id = s.id and b.released_at is null) order by s.starts_at limit 1`,
      [doctor.id],
    );
    slot ??= (
      await em.execute<Array<{ id: string }>>(
        `insert into slot (id, clinician_id, starts_at, ends_at)
           select gen_random_uuid(), ?, now() + interval '1 minute', now() + interval '21 minutes'
            where not exists (select 1 from slot s where s.clinician_id = ? and tstzrange(s.starts_at, s.ends_at) && tstzrange(now(), now() + interval '21 minutes'))
         returning id`,
        [doctor.id, doctor.id],
      )
    )[0];
    if (!slot) continue;
    const clinician = clinicianActor(doctor);
    const { id, workflowId } = await createEncounter(em, temporal, taskQueue, admin, { patientId: DEMO.patients[0].id, careUnitId: DEMO.units[doctor.unit].id, reason: 'Demo: videomöte nu' });
    const handle = temporal.workflow.getHandle(workflowId);
    await handle.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinician, answers: yes }] });
    await handle.executeUpdate(m.recordIdentityUpdate, { args: [{ actor: { id: 'anna', role: 'patient' }, claims: { personnummer: DEMO.patients[0].pnr, loa: 'loa3', method: 'test' } }] });
    await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
    return links(id);
  }
  return null;
}
