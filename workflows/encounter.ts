/** One digital care meeting as one durable workflow: requested → … → closed, or a side exit. */
import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { EncounterActivities } from '../activities/encounter';
import { stockholmDateOf } from '../domain/dates';
import { assessEligibility } from '../domain/eligibility';
import * as m from './encounter.messages';
import { EncounterMachine, msUntil, plusSeconds, reject, SYSTEM } from './encounter.state';

export async function encounterWorkflow(input: m.EncounterInput): Promise<m.EncounterResult> {
  const { policy } = input;
  const acts = proxyActivities<EncounterActivities>({
    startToCloseTimeout: `${policy.activityTimeoutSeconds}s`,
    retry: { initialInterval: '500ms', maximumInterval: '20s', nonRetryableErrorTypes: ['SlotTaken', 'NotFound', 'Invalid'] },
  });
  const s = new EncounterMachine(input);
  const st = s.state;
  const encounterId = input.encounterId;
  const project = () => acts.projectEncounter({ state: s.snapshot(), version: workflowInfo().historyLength });
  /** Runs an update's side effect with the busy flag set, so concurrent updates are refused. */
  const exclusive = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    s.busy = what;
    try {
      return await fn();
    } catch (err) {
      // Surface the activity's business failure (e.g. SlotTaken) as the update's own error.
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) throw err.cause;
      throw err;
    } finally {
      s.busy = null;
    }
  };

  // Entered before the handlers are registered: setHandler delivers updates that arrived with the
  // start at once, and an eligibility answer sent right after creation must find this step.
  s.moveTo('eligibility', 'clinician: answer the four eligibility questions');

  // Handlers next, before any await (STYLE.md determinism rules).
  setHandler(m.stateQuery, () => s.snapshot());

  setHandler(
    m.answerEligibilityUpdate,
    async ({ actor, answers }) => {
      const result = assessEligibility(answers);
      await exclusive('eligibility', () => acts.recordEligibility({ encounterId, clinicianId: actor.id, answers: { ...answers }, ...result }));
      s.eligibility = result;
      s.record('eligibility-answered', actor, result.eligible ? 'eligible' : 'not-eligible', result.eligible ? undefined : { reasons: result.reasons });
      await condition(() => st.status !== 'eligibility');
      return s.snapshot();
    },
    {
      validator: ({ actor, answers }) => {
        s.expectStep('eligibility');
        s.expectRole(actor, 'clinician');
        for (const k of ['withoutPhysicalMeeting', 'suitsPatient', 'enoughInformation', 'followUpPossible'] as const) {
          if (typeof answers?.[k] !== 'boolean') throw reject('Invalid', `answers.${k} must be true or false`, `answers.${k}`);
        }
      },
    },
  );

  setHandler(
    m.recordIdentityUpdate,
    async ({ actor, claims }) => {
      const decision = await exclusive('identity', () => acts.checkIdentity({ encounterId, claims, date: stockholmDateOf(s.now()) }));
      if (decision.allowed) {
        st.identity = { personnummer: claims.personnummer, actingAs: decision.actingAs };
        s.record('identity-verified', actor, decision.actingAs, { method: claims.method, loa: claims.loa });
      } else {
        s.identityRefusal = `${decision.reason}: ${decision.message}`;
        s.record('identity-refused', actor, decision.reason, { method: claims.method, loa: claims.loa });
      }
      await condition(() => st.status !== 'identity');
      return s.snapshot();
    },
    {
      validator: ({ actor, claims }) => {
        s.expectStep('identity');
        s.expectRole(actor, 'patient', 'guardian', 'system');
        if (typeof claims?.personnummer !== 'string') throw reject('Invalid', 'claims.personnummer is required', 'claims.personnummer');
      },
    },
  );

  setHandler(
    m.bookUpdate,
    async ({ actor, slotId }) => {
      const slot = await exclusive('booking', () => acts.reserveSlot({ encounterId, slotId }));
      s.setSlot(slot);
      s.record('booked', actor, 'reserved', { slotId, startsAt: slot.startsAt });
      await condition(() => st.status !== 'booking');
      return s.snapshot();
    },
    { validator: ({ actor }) => (s.expectStep('booking'), s.expectRole(actor, 'admin', 'patient', 'guardian')) },
  );

  setHandler(
    m.rescheduleUpdate,
    async ({ actor, slotId }) => {
      const late = s.isLate(actor);
      const slot = await exclusive('reschedule', async () => {
        const reserved = await acts.reserveSlot({ encounterId, slotId });
        if (late) st.charges.push({ kind: 'late-cancel', ...(await acts.recordFee({ encounterId, kind: 'late-cancel', visitDate: stockholmDateOf(s.now()), modality: st.modality })) });
        return reserved;
      });
      const from = st.slot?.startsAt;
      s.setSlot(slot);
      s.record('rescheduled', actor, late ? 'late' : 'in-time', { from, to: slot.startsAt });
      await project();
      return s.snapshot();
    },
    {
      validator: ({ actor, slotId }) => {
        s.expectStep('pre-meeting');
        s.expectRole(actor, 'admin', 'patient', 'guardian');
        if (slotId === st.slot?.slotId) throw reject('Invalid', 'the encounter already has this slot', 'slotId');
      },
    },
  );

  setHandler(
    m.confirmChecklistUpdate,
    async ({ actor }) => {
      st.checklistConfirmed = true;
      s.record('checklist-confirmed', actor, 'confirmed');
      return s.snapshot();
    },
    {
      validator: ({ actor, items }) => {
        s.expectStep('pre-meeting', 'video');
        s.expectBookedClinician(actor);
        for (const k of m.CHECKLIST_ITEMS) if (items?.[k] !== true) throw reject('Invalid', `checklist item '${k}' (${m.CHECKLIST_LABELS_SV[k]}) is not confirmed`, `items.${k}`);
      },
    },
  );

  setHandler(m.participantJoinedSignal, ({ role, source }) => {
    // Janus may repeat or reorder events: only a change of presence is recorded.
    if (st.status !== 'video' || st.sessionEndedAt) return;
    if (role === 'patient' && !st.patientPresent) {
      st.patientPresent = true;
      s.patientEverJoined = true;
      s.record('patient-joined', { id: source, role: 'system' }, st.sessionStartedAt ? 'in-session' : 'waiting-room');
    } else if (role === 'clinician' && !st.clinicianPresent) {
      st.clinicianPresent = true;
      s.record('clinician-joined', { id: source, role: 'system' });
    }
  });
  setHandler(m.participantLeftSignal, ({ role, source }) => {
    if (st.status !== 'video') return;
    if (role === 'patient' && st.patientPresent) {
      st.patientPresent = false;
      s.record('patient-left', { id: source, role: 'system' });
    } else if (role === 'clinician' && st.clinicianPresent) {
      st.clinicianPresent = false;
      s.record('clinician-left', { id: source, role: 'system' });
    }
  });

  let videoFailureRecorded = false;
  const videoFailed = async (role: string, detail: string, source: string) => {
    if (videoFailureRecorded) return;
    videoFailureRecorded = true;
    // Same key as the phone fallback: one video-failure deviation per encounter, whichever comes first.
    await acts.recordDeviation({ encounterId, category: 'video-failure', severity: 'medium', description: `Video failed for the ${role}: ${detail}`, dedupeKey: `${encounterId}:video-failure` });
    // On the timeline once the deviation exists, as with every other step that writes one.
    s.record('video-problem', { id: source, role: 'system' }, detail, { role });
  };
  setHandler(m.videoProblemSignal, async ({ role, detail, source }) => {
    if (st.status !== 'video' || st.sessionEndedAt) return;
    await videoFailed(role, detail, source);
  });

  const mediaDown = { patient: false, clinician: false };
  setHandler(m.mediaStateSignal, async ({ role, up, source }) => {
    // Only during the admitted session; only changes count (Janus repeats itself).
    if (st.status !== 'video' || !st.sessionStartedAt || st.sessionEndedAt || mediaDown[role] === !up) return;
    mediaDown[role] = !up;
    s.record(up ? 'media-up' : 'media-down', { id: source, role: 'system' }, role);
    if (up) return;
    // A short drop is normal network weather; only one that lasts is a video failure.
    const present = () => (role === 'patient' ? st.patientPresent : st.clinicianPresent);
    const settled = await condition(() => !mediaDown[role] || st.sessionEndedAt !== null || st.status !== 'video' || !present(), (policy.mediaDownGraceSeconds ?? 20) * 1000);
    if (!settled) await videoFailed(role, `no video received for ${policy.mediaDownGraceSeconds ?? 20} s`, source);
  });

  setHandler(
    m.admitPatientUpdate,
    async ({ actor }) => {
      st.sessionStartedAt = s.now();
      st.waitingFor = 'clinician: end the meeting';
      s.record('patient-admitted', actor, 'in-session');
      await project();
      return s.snapshot();
    },
    {
      validator: ({ actor }) => {
        s.expectStep('video');
        s.expectBookedClinician(actor);
        if (!st.checklistConfirmed) throw reject('WrongStep', 'confirm the pre-meeting checklist before admitting the patient');
        if (!st.patientPresent) throw reject('WrongStep', 'the patient is not in the waiting room');
        if (st.sessionStartedAt) throw reject('WrongStep', 'the patient is already admitted');
      },
    },
  );

  setHandler(
    m.switchToPhoneUpdate,
    async ({ actor, error }) => {
      await exclusive('phone', () =>
        acts.recordDeviation({ encounterId, category: 'video-failure', severity: 'medium', description: `Video failed, switched to phone: ${error}`, dedupeKey: `${encounterId}:video-failure` }),
      );
      st.modality = 'phone';
      s.patientEverJoined = true;
      st.sessionStartedAt ??= s.now();
      s.record('switched-to-phone', actor, 'phone', { error });
      await project();
      return s.snapshot();
    },
    { validator: ({ actor }) => (s.expectStep('video'), s.expectBookedClinician(actor)) },
  );

  setHandler(
    m.endSessionUpdate,
    async ({ actor }) => {
      st.sessionEndedAt = s.now();
      s.record('session-ended', actor, st.modality);
      await condition(() => st.status !== 'video');
      return s.snapshot();
    },
    {
      validator: ({ actor }) => {
        s.expectStep('video');
        s.expectBookedClinician(actor);
        if (!st.sessionStartedAt) throw reject('WrongStep', 'the session has not started');
      },
    },
  );

  setHandler(
    m.submitJournalNoteUpdate,
    async ({ actor, text }) => {
      const contactDate = stockholmDateOf(st.sessionStartedAt ?? s.now());
      const { noteId } = await exclusive('journal note', () => acts.writeJournalNote({ encounterId, authorId: actor.id, authorName: actor.name, text, contactDate }));
      st.journalNoteId = noteId;
      s.record('journal-note-written', actor, 'signed', { noteId, visitType: 'Digitalt vårdmöte', contactDate });
      await condition(() => s.terminal);
      return s.snapshot();
    },
    {
      validator: ({ actor, text }) => {
        s.expectStep('documentation');
        s.expectBookedClinician(actor);
        if (st.journalNoteId) throw reject('WrongStep', 'the journal note is already written');
        if (typeof text !== 'string' || text.trim().length === 0) throw reject('Invalid', 'text must not be empty', 'text');
      },
    },
  );

  setHandler(
    m.cancelUpdate,
    async ({ actor, reason }) => {
      s.cancelRequest = { actor, reason, late: s.isLate(actor) };
      await condition(() => s.terminal);
      return s.snapshot();
    },
    {
      validator: ({ actor, reason }) => {
        s.expectStep('requested', 'eligibility', 'identity', 'booking', 'pre-meeting', 'video');
        s.expectRole(actor, 'admin', 'patient', 'guardian', 'clinician');
        if (st.sessionStartedAt) throw reject('WrongStep', 'the meeting has already started');
        if (s.cancelRequest) throw reject('WrongStep', 'the encounter is already being cancelled');
        if (typeof reason !== 'string' || !reason.trim()) throw reject('Invalid', 'reason must not be empty', 'reason');
      },
    },
  );

  /** Waits for `pred` or a cancellation; true when `pred` held. */
  const until = async (pred: () => boolean, timeoutMs?: number): Promise<boolean> => {
    const done = () => pred() || s.cancelRequest !== null;
    const ok = timeoutMs === undefined ? (await condition(done), true) : await condition(done, timeoutMs);
    return ok && s.cancelRequest === null;
  };

  const finishCancelled = async (): Promise<m.EncounterResult> => {
    const c = s.cancelRequest!;
    if (c.late) st.charges.push({ kind: 'late-cancel', ...(await acts.recordFee({ encounterId, kind: 'late-cancel', visitDate: stockholmDateOf(s.now()), modality: st.modality })) });
    if (st.slot) await acts.releaseSlot({ encounterId });
    if (st.room) await acts.closeVideoRoom({ encounterId });
    s.exit('cancelled', c.actor, { reason: c.reason, late: c.late });
    return finish();
  };

  const finish = async (): Promise<m.EncounterResult> => {
    await project();
    await allHandlersFinished();
    return { status: st.status, chargeOre: st.charges.reduce((sum, c) => sum + c.chargeOre, 0) };
  };

  // 2. Eligibility: Socialstyrelsen's four questions.
  await project();
  if (!(await until(() => s.eligibility !== null))) return finishCancelled();
  if (!s.eligibility!.eligible) {
    s.exit('referred-to-physical', SYSTEM, { reasons: s.eligibility!.reasons });
    return finish();
  }

  // 3. Identity: e-ID at LoA3, the patient or a guardian allowed to act for them.
  s.moveTo('identity', 'patient: log in with e-ID (BankID or Freja eID+)');
  await project();
  if (!(await until(() => st.identity !== null || s.identityRefusal !== null))) return finishCancelled();
  if (s.identityRefusal) {
    await acts.recordDeviation({ encounterId, category: 'identity-failure', severity: 'high', description: `Identity check failed: ${s.identityRefusal}`, dedupeKey: `${encounterId}:identity` });
    s.exit('identity-failed', SYSTEM, { refusal: s.identityRefusal });
    return finish();
  }

  // 4. Booking, then the invitation (kallelse).
  s.moveTo('booking', 'administrator or patient: book a slot');
  await project();
  if (!(await until(() => st.slot !== null))) return finishCancelled();

  // 5. Pre-meeting: invitation for each (re)booking; the room opens a policy time before start.
  s.moveTo('pre-meeting', 'clinician: confirm the pre-meeting checklist');
  await project();
  for (;;) {
    if (s.invitedSlotVersion !== s.slotVersion) {
      const version = s.slotVersion;
      await acts.sendInvitation({ encounterId, slotId: st.slot!.slotId, policy });
      s.invitedSlotVersion = version;
      s.record('invitation-sent', SYSTEM, 'sent', { slotId: st.slot!.slotId });
    }
    const opensAt = plusSeconds(st.slot!.startsAt, -policy.roomOpensBeforeSeconds);
    st.deadlines.roomOpensAt = opensAt;
    const version = s.slotVersion;
    const changed = await condition(() => s.cancelRequest !== null || s.slotVersion !== version, msUntil(opensAt));
    if (s.cancelRequest) return finishCancelled();
    if (!changed) break;
  }

  // 6. Video session: private room, waiting room, admit, end.
  st.room = await acts.openVideoRoom({ encounterId });
  s.moveTo('video', 'patient: join the waiting room');
  st.deadlines.noShowAt = plusSeconds(st.slot!.startsAt, policy.noShowGraceSeconds);
  await project();
  if (!(await until(() => s.patientEverJoined, msUntil(st.deadlines.noShowAt)))) {
    if (s.cancelRequest) return finishCancelled();
    // 7. No-show: the fee rule applies and a deviation is recorded.
    st.charges.push({ kind: 'no-show', ...(await acts.recordFee({ encounterId, kind: 'no-show', visitDate: stockholmDateOf(st.slot!.startsAt), modality: st.modality })) });
    await acts.recordDeviation({ encounterId, category: 'no-show', severity: 'low', description: 'The patient did not join within the grace period', dedupeKey: `${encounterId}:no-show` });
    await acts.closeVideoRoom({ encounterId });
    s.exit('no-show', SYSTEM);
    return finish();
  }
  st.waitingFor = 'clinician: admit the patient';
  await project();
  if (!(await until(() => st.sessionEndedAt !== null))) return finishCancelled();
  await acts.closeVideoRoom({ encounterId });

  // 8. Documentation: mandatory; a reminder, then a deviation, and it still waits.
  s.moveTo('documentation', 'clinician: write the journal note');
  st.deadlines.documentationReminderAt = plusSeconds(st.sessionEndedAt!, policy.documentationReminderSeconds);
  st.deadlines.documentationOverdueAt = plusSeconds(st.sessionEndedAt!, policy.documentationOverdueSeconds);
  await project();
  if (!(await condition(() => st.journalNoteId !== null, msUntil(st.deadlines.documentationReminderAt)))) {
    await acts.sendDocumentationReminder({ encounterId });
    s.record('documentation-reminder', SYSTEM, 'sent');
  }
  if (!(await condition(() => st.journalNoteId !== null, msUntil(st.deadlines.documentationOverdueAt)))) {
    await acts.recordDeviation({ encounterId, category: 'missing-documentation', severity: 'medium', description: 'Journal note not written in time', dedupeKey: `${encounterId}:documentation` });
    s.record('documentation-overdue', SYSTEM, 'deviation');
    await project();
    await condition(() => st.journalNoteId !== null);
  }

  // 9. Fee against the high-cost protection period.
  s.moveTo('fee', null);
  const fee = await acts.recordFee({ encounterId, kind: 'visit', visitDate: stockholmDateOf(st.sessionStartedAt!), modality: st.modality });
  st.charges.push({ kind: 'visit', ...fee });
  s.record('fee-decided', SYSTEM, fee.reason, { chargeOre: fee.chargeOre, freeCardIssued: fee.freeCardIssued });

  // 10. Closed.
  s.moveTo('closed', null);
  return finish();
}
