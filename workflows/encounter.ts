/** One digital care meeting as one durable workflow: requested → … → closed, or a side exit. */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import { stockholmDateOf } from '../domain/dates';
import { registerEncounterHandlers } from './encounter.handlers';
import type { EncounterInput, EncounterResult } from './encounter.messages';
import { EncounterMachine, msUntil, plusSeconds, SYSTEM } from './encounter.state';

/** A step either carries on (true) or has ended the encounter (false: cancelled or a side exit). */
type Step = (s: EncounterMachine) => Promise<boolean>;

export async function encounterWorkflow(input: EncounterInput): Promise<EncounterResult> {
  const s = new EncounterMachine(input);
  // Entered before the handlers are registered: setHandler delivers updates that arrived with the
  // start at once, and an eligibility answer sent right after creation must find this step.
  s.moveTo('eligibility', 'answer-eligibility');
  registerEncounterHandlers(s);
  await s.project();
  for (const step of [runEligibility, runIdentity, runBooking, runPreMeeting, runVideo, runDocumentation, runFee]) {
    if (!(await step(s))) return finish(s);
  }
  s.moveTo('closed', null);
  return finish(s);
}

/** 2. Eligibility: Socialstyrelsen's four questions; any no refers the patient to a physical visit. */
const runEligibility: Step = async (s) => {
  if (!(await s.until(() => s.eligibility !== null))) return cancel(s);
  if (s.eligibility!.eligible) return true;
  s.exit('referred-to-physical', SYSTEM, { reasons: s.eligibility!.reasons });
  return false;
};

/** 3. Identity: e-ID at LoA3, the patient or a guardian allowed to act for them. */
const runIdentity: Step = async (s) => {
  await s.enter('identity', 'verify-identity');
  if (!(await s.until(() => s.state.identity !== null || s.identityRefusal !== null))) return cancel(s);
  if (!s.identityRefusal) return true;
  const description = `Identity check failed: ${s.identityRefusal}`;
  await s.recordDeviation('identity', 'identity-failure', 'high', description);
  s.exit('identity-failed', SYSTEM, { refusal: s.identityRefusal });
  return false;
};

/** 4. Booking by an administrator or the patient. */
const runBooking: Step = async (s) => {
  await s.enter('booking', 'book-slot');
  return (await s.until(() => s.state.slot !== null)) || cancel(s);
};

/** 5. Pre-meeting: an invitation (kallelse) for each (re)booking; the room opens a policy time before start. */
const runPreMeeting: Step = async (s) => {
  const st = s.state;
  await s.enter('pre-meeting', 'confirm-checklist');
  for (;;) {
    if (s.invitedSlotVersion !== s.slotVersion) {
      const version = s.slotVersion;
      await s.acts.sendInvitation({ encounterId: s.id, slotId: st.slot!.slotId, policy: s.policy });
      s.invitedSlotVersion = version;
      s.record('invitation-sent', SYSTEM, 'sent', { slotId: st.slot!.slotId });
    }
    const opensAt = (st.deadlines.roomOpensAt = plusSeconds(st.slot!.startsAt, -s.policy.roomOpensBeforeSeconds));
    const version = s.slotVersion;
    const changed = await condition(() => s.cancelRequest !== null || s.slotVersion !== version, msUntil(opensAt));
    if (s.cancelRequest) return cancel(s);
    if (!changed) return true;
  }
};

/** 6. Video: private room, waiting room, admit, end; 7. no-show when the patient never joins. */
const runVideo: Step = async (s) => {
  const st = s.state;
  st.room = await s.acts.openVideoRoom({ encounterId: s.id });
  s.moveTo('video', 'join-waiting-room');
  st.deadlines.noShowAt = plusSeconds(st.slot!.startsAt, s.policy.noShowGraceSeconds);
  await s.project();
  if (!(await s.until(() => s.patientEverJoined, msUntil(st.deadlines.noShowAt)))) {
    if (s.cancelRequest) return cancel(s);
    await s.charge('no-show', stockholmDateOf(st.slot!.startsAt));
    const description = 'The patient did not join within the grace period';
    await s.recordDeviation('no-show', 'no-show', 'low', description);
    await s.acts.closeVideoRoom({ encounterId: s.id });
    s.exit('no-show', SYSTEM);
    return false;
  }
  st.waitingFor = 'admit-patient';
  await s.project();
  if (!(await s.until(() => st.sessionEndedAt !== null))) return cancel(s);
  await s.acts.closeVideoRoom({ encounterId: s.id });
  return true;
};

/** 8. Documentation is mandatory: a reminder, then a deviation, and it still waits for the note. */
const runDocumentation: Step = async (s) => {
  const st = s.state;
  const written = () => st.journalNoteId !== null;
  const deadlines = (st.deadlines = {
    ...st.deadlines,
    documentationReminderAt: plusSeconds(st.sessionEndedAt!, s.policy.documentationReminderSeconds),
    documentationOverdueAt: plusSeconds(st.sessionEndedAt!, s.policy.documentationOverdueSeconds),
  });
  await s.enter('documentation', 'write-journal-note');
  if (!(await condition(written, msUntil(deadlines.documentationReminderAt)))) {
    await s.acts.sendDocumentationReminder({ encounterId: s.id });
    s.record('documentation-reminder', SYSTEM, 'sent');
  }
  if (!(await condition(written, msUntil(deadlines.documentationOverdueAt)))) {
    const description = 'Journal note not written in time';
    await s.recordDeviation('documentation', 'missing-documentation', 'medium', description);
    s.record('documentation-overdue', SYSTEM, 'deviation');
    await s.project();
    await condition(written);
  }
  return true;
};

/** 9. The fee against the patient's high-cost protection period. */
const runFee: Step = async (s) => {
  s.moveTo('fee', null);
  const fee = await s.charge('visit', stockholmDateOf(s.state.sessionStartedAt!));
  s.record('fee-decided', SYSTEM, fee.reason, { chargeOre: fee.chargeOre, freeCardIssued: fee.freeCardIssued });
  return true;
};

/** Cancelled: the late-cancel fee if late, the slot and room given back. */
async function cancel(s: EncounterMachine): Promise<false> {
  const c = s.cancelRequest!;
  if (c.late) await s.chargeLateCancel();
  if (s.state.slot) await s.acts.releaseSlot({ encounterId: s.id });
  if (s.state.room) await s.acts.closeVideoRoom({ encounterId: s.id });
  s.exit('cancelled', c.actor, { reason: c.reason, late: c.late });
  return false;
}

async function finish(s: EncounterMachine): Promise<EncounterResult> {
  await s.project();
  await allHandlersFinished();
  return s.result();
}
