/** One digital care meeting as one durable workflow: requested → … → closed, or a side exit. */
import * as m from './encounter.messages';
import { EncounterMachine } from './encounter.machine';
import { setHandler } from './payload-origin';

export async function encounterWorkflow(input: m.EncounterInput): Promise<m.EncounterResult> {
  const e = new EncounterMachine(input);
  // Entered before the handlers are registered: setHandler delivers updates that arrived with the
  // start at once, and an eligibility answer sent right after creation must find this step.
  e.begin();

  // Each message is one method of the machine; its validator is the matching `assertCan…`.
  setHandler(m.stateQuery, () => e.view());
  setHandler(m.answerEligibilityUpdate, (u) => e.answerEligibility(u), {
    validator: (u) => e.assertCanAnswerEligibility(u),
  });
  setHandler(m.recordIdentityUpdate, (u) => e.recordIdentity(u), { validator: (u) => e.assertCanRecordIdentity(u) });
  setHandler(m.bookUpdate, (u) => e.book(u), { validator: (u) => e.assertCanBook(u) });
  setHandler(m.rescheduleUpdate, (u) => e.reschedule(u), { validator: (u) => e.assertCanReschedule(u) });
  setHandler(m.confirmChecklistUpdate, (u) => e.confirmChecklist(u), {
    validator: (u) => e.assertCanConfirmChecklist(u),
  });
  setHandler(m.inviteParticipantUpdate, (u) => e.inviteParticipant(u), {
    validator: (u) => e.assertCanInviteParticipant(u),
  });
  setHandler(m.acceptParticipantUpdate, (u) => e.acceptParticipant(u), {
    validator: (u) => e.assertCanAcceptParticipant(u),
  });
  setHandler(m.admitParticipantUpdate, (u) => e.admitParticipant(u), {
    validator: (u) => e.assertCanAdmitParticipant(u),
  });
  setHandler(m.removeParticipantUpdate, (u) => e.removeParticipant(u), {
    validator: (u) => e.assertCanRemoveParticipant(u),
  });
  setHandler(m.participantWaitingSignal, (s) => e.participantWaiting(s));
  setHandler(m.participantGoneSignal, (s) => e.participantGone(s));
  setHandler(m.sendParticipantCodeSignal, (s) => e.sendParticipantCode(s));
  setHandler(m.participantJoinedSignal, (s) => e.participantJoined(s));
  setHandler(m.participantLeftSignal, (s) => e.participantLeft(s));
  setHandler(m.videoProblemSignal, (s) => e.videoProblem(s));
  setHandler(m.mediaStateSignal, (s) => e.mediaState(s));
  setHandler(m.admitPatientUpdate, (u) => e.admitPatient(u), { validator: (u) => e.assertCanAdmitPatient(u) });
  setHandler(m.switchToPhoneUpdate, (u) => e.switchToPhone(u), { validator: (u) => e.assertCanSwitchToPhone(u) });
  setHandler(m.endSessionUpdate, (u) => e.endSession(u), { validator: (u) => e.assertCanEndSession(u) });
  setHandler(m.submitJournalNoteUpdate, (u) => e.submitJournalNote(u), {
    validator: (u) => e.assertCanSubmitJournalNote(u),
  });
  setHandler(m.confirmManualJournalEntryUpdate, (u) => e.confirmManualJournalEntry(u), {
    validator: (u) => e.assertCanConfirmManualJournalEntry(u),
  });
  setHandler(m.cancelUpdate, (u) => e.cancel(u), { validator: (u) => e.assertCanCancel(u) });
  setHandler(m.confirmAttendanceUpdate, (u) => e.confirmAttendance(u), {
    validator: (u) => e.assertCanConfirmAttendance(u),
  });

  await e.project();
  for (const step of [e.eligibility, e.identity, e.booking, e.preMeeting, e.video, e.documentation, e.journal, e.fee]) {
    if (!(await step())) return e.finish(false);
  }
  return e.finish(true);
}
