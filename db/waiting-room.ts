/**
 * Whose patient may be waiting unnoticed (issue 27), from the projection: the clinician's encounters
 * in the video step whose patient has come to the waiting room and is not yet admitted
 * (waiting_for 'admit-patient', projected when the patient first joins and replaced on admission),
 * leaving out those where Janus has the clinician in the room (meeting_presence).
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export interface WaitingCandidate {
  id: string;
  workflowId: string;
  patientId: string;
  careUnitId: string;
}

/** The candidates of one clinician's worklist; the index encounter_clinician_idx finds their rows. */
export async function waitingCandidates(em: EntityManager, clinicianId: string): Promise<WaitingCandidate[]> {
  // Two tables and a not-exists: SQL says it most plainly.
  return em.execute<WaitingCandidate[]>(
    `select e.id, e.workflow_id as "workflowId", e.patient_id as "patientId", e.care_unit_id as "careUnitId"
     from encounter e
     where e.clinician_id = ? and e.status = 'video' and e.waiting_for = 'admit-patient'
       and not exists (select 1 from meeting_presence p where p.encounter_id = e.id and p.role = 'clinician' and p.present)
     order by e.scheduled_start, e.id limit 20`,
    [clinicianId],
  );
}
